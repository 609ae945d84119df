package form

import (
	"net/http"

	"github.com/paydeck/paydeck"
)

// ParsePlan copies a posted plan form (name, amount, trial_days, tax_type,
// active; interval and interval_count only when p is new) onto p and
// validates it.
func ParsePlan(r *http.Request, p *paydeck.Plan) error {
	amount, err := integer(r, "amount", "Amount")
	if err != nil {
		return err
	}
	trial, err := integer(r, "trial_days", "Trial days")
	if err != nil {
		return err
	}
	if p.ID == "" {
		count, err := integer(r, "interval_count", "Interval count")
		if err != nil {
			return err
		}
		p.Interval, p.IntervalCount = paydeck.PlanInterval(field(r, "interval")), int(count)
	}
	p.Name, p.Amount, p.TrialDays = field(r, "name"), amount, int(trial)
	p.TaxType, p.IsActive = paydeck.TaxType(field(r, "tax_type")), checked(r, "active")
	return p.Validate()
}

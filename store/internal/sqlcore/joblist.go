package sqlcore

import (
	"context"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/paydeck/paydeck"
)

// ListJobs returns up to limit of client's jobs in any of states, most
// recently created first, through River's own job list (both drivers).
func ListJobs[TTx any](ctx context.Context, client *river.Client[TTx], states []string, limit int) ([]paydeck.Job, error) {
	params := river.NewJobListParams().First(max(min(limit, 10_000), 1)).OrderBy(river.JobListOrderByID, river.SortOrderDesc)
	if len(states) > 0 {
		st := make([]rivertype.JobState, len(states))
		for i, s := range states {
			st[i] = rivertype.JobState(s)
		}
		params = params.States(st...)
	}
	res, err := client.JobList(ctx, params)
	if err != nil {
		return nil, err
	}
	out := make([]paydeck.Job, 0, len(res.Jobs))
	for _, j := range res.Jobs {
		job := paydeck.Job{ID: j.ID, Kind: j.Kind, State: string(j.State), Attempt: j.Attempt, MaxAttempts: j.MaxAttempts,
			CreatedAt: j.CreatedAt.UTC(), ScheduledAt: j.ScheduledAt.UTC(), AttemptedAt: j.AttemptedAt, FinalizedAt: j.FinalizedAt}
		if n := len(j.Errors); n > 0 {
			job.LastError = j.Errors[n-1].Error
		}
		out = append(out, job)
	}
	return out, nil
}

package admin

import (
	"context"
	"net/http"

	"github.com/paydeck/paydeck"
)

// JobLister lists background jobs; store.DB is one.
type JobLister interface {
	Jobs(ctx context.Context, states []string, limit int) ([]paydeck.Job, error)
}

// jobsShown bounds each list of the job page; River UI has the rest.
const jobsShown = 50

// jobsPage is the admin's own job page: what is retrying and what failed
// for good, each with a link to River UI for the details.
type jobsPage struct {
	Retrying, Failed []jobRow
	// UI is set when River UI is mounted at /admin/jobs/.
	UI bool
	// Listed is false when the server cannot list jobs.
	Listed bool
}

// jobRow is a job with its kind in words.
type jobRow struct {
	paydeck.Job
	What string
}

// jobQueue shows the jobs that need the owner's eye, in the admin's frame
// and language. River UI (at /admin/jobs/) keeps the full details.
func (a *app) jobQueue(w http.ResponseWriter, r *http.Request, rq *request) {
	p := jobsPage{UI: a.d.JobsUI != nil, Listed: a.d.Jobs != nil}
	if a.d.Jobs != nil {
		for _, list := range []struct {
			states []string
			into   *[]jobRow
		}{
			{[]string{paydeck.JobRetryable}, &p.Retrying},
			{[]string{paydeck.JobDiscarded, paydeck.JobCancelled}, &p.Failed},
		} {
			jobs, err := a.d.Jobs.Jobs(r.Context(), list.states, jobsShown)
			if err != nil {
				a.error(w, r, rq, err)
				return
			}
			for _, j := range jobs {
				what := rq.view.T("job." + j.Kind)
				if what == "job."+j.Kind {
					what = j.Kind
				}
				*list.into = append(*list.into, jobRow{Job: j, What: what})
			}
		}
	}
	a.render(w, rq, "jobs.html", "jobs.title", p)
}

// jobs serves River UI behind admin auth, or the job page when River UI is
// not mounted.
func (a *app) jobs(w http.ResponseWriter, r *http.Request, rq *request) {
	if a.d.JobsUI != nil {
		a.d.JobsUI.ServeHTTP(w, r)
		return
	}
	a.jobQueue(w, r, rq)
}

package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store"
)

// jobArgs is the suite's job; Token tells runs apart.
type jobArgs struct {
	Token string `json:"token"`
}

// Kind implements paydeck.JobArgs.
func (jobArgs) Kind() string { return "storetest" }

// jobWorker reports every token it works.
type jobWorker struct {
	river.WorkerDefaults[jobArgs]
	ran chan string
}

// Work implements river.Worker.
func (w *jobWorker) Work(ctx context.Context, job *river.Job[jobArgs]) error {
	w.ran <- job.Args.Token
	return nil
}

func testJobs(t *testing.T, newDB NewDBFunc) {
	ctx := context.Background()
	worker := &jobWorker{ran: make(chan string, 10)}
	workers := river.NewWorkers()
	db := newDB(t, store.Options{Workers: workers, JobFetchPoll: 20 * time.Millisecond})
	river.AddWorker(workers, worker) // after Open, as the jobs package will

	boom := paydeck.Errorf(paydeck.CodeConflict, "roll back")
	err := db.Update(ctx, func(tx paydeck.Tx) error {
		require.NoError(t, tx.Enqueue(ctx, jobArgs{Token: "rolled-back"}, nil))
		return boom
	})
	require.Same(t, boom, err)
	// Enqueue works before StartJobs.
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		return tx.Enqueue(ctx, jobArgs{Token: "committed"}, &paydeck.JobOptions{MaxAttempts: 3})
	})
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		return tx.Enqueue(ctx, jobArgs{Token: "committed"}, &paydeck.JobOptions{UniqueByArgs: true})
	})
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		return tx.Enqueue(ctx, jobArgs{Token: "committed"}, &paydeck.JobOptions{UniqueByArgs: true}) // skipped
	})
	err = db.Update(ctx, func(tx paydeck.Tx) error { return tx.Enqueue(ctx, unknownJob{}, nil) })
	require.Error(t, err, "a kind without a worker is refused")

	require.NoError(t, db.StartJobs(ctx))
	var ran []string
	timeout := time.After(10 * time.Second)
	for len(ran) < 2 {
		select {
		case tok := <-worker.ran:
			ran = append(ran, tok)
		case <-timeout:
			t.Fatalf("jobs did not run in time; ran %v", ran)
		}
	}
	// Give a stray job a few fetch rounds to show up.
	select {
	case tok := <-worker.ran:
		t.Fatalf("unexpected job %q ran", tok)
	case <-time.After(200 * time.Millisecond):
	}
	require.Equal(t, []string{"committed", "committed"}, ran)
	stopCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	require.NoError(t, db.StopJobs(stopCtx))
}

// unknownJob has no worker.
type unknownJob struct{}

// Kind implements paydeck.JobArgs.
func (unknownJob) Kind() string { return "storetest_unknown" }

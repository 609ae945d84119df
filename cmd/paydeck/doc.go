// Command paydeck is the paydeck server and its administration commands:
// serve, migrate, createadmin, seed, config, version and sandbox. Run
// "paydeck --help" for the list and "paydeck COMMAND --help" for each.
//
// Configuration comes from environment variables, an optional .env file in
// the working directory and flags; flags win over the environment, which
// wins over .env. Secrets (TOSS_SECRET_KEY, TOSS_WEBHOOK_SECRET,
// PAYDECK_SECRET) have no flags so that they never show in process
// listings; each also accepts a *_FILE variant naming a file that holds it.
package main

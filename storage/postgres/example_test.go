package postgres_test

import (
	"context"
	"log"
	"log/slog"
	"os"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
)

// Open the store at startup, bring its schema up to date, then run every
// billing operation through InTx. (Not run as a test: it needs a server.)
func ExampleOpen() {
	ctx := context.Background()
	st, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"), postgres.Options{
		Schema: "billing",
		Logger: slog.Default(),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	err = st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		a, err := tx.Accounts().GetForUpdate(ctx, "customer-42")
		if err != nil {
			return err
		}
		a.Type = storage.Postpaid
		_, err = tx.Accounts().Update(ctx, a)
		return err
	})
	if err != nil {
		log.Print(err)
	}
}

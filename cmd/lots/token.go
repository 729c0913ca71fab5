package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"lots/internal/casework"
)

func cmdToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New(`usage: lots token create --user NAME [--name LABEL] [--days N]`)
	}
	var c common
	fs := newFlags("token create", "Creates a personal API token for a user and prints it once. Only its hash is stored.", stderr)
	c.register(fs)
	user := fs.String("user", "", "username of the token's owner (required)")
	name := fs.String("name", "created by lots token create", "label for the token")
	days := fs.Int("days", 0, "days until the token expires (0: never)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *user == "" {
		fs.Usage()
		return errors.New("--user is required")
	}
	a, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	cred, err := a.Store.CredentialsByUsername(ctx, *user)
	if err != nil {
		return fmt.Errorf("no user %q", *user)
	}
	sys := casework.WithActor(ctx, casework.SystemActor(cred.User.MunicipalityID, "lots token create"))
	token, _, err := a.Auth.CreateAPIToken(sys, cred.User.ID, *name, time.Duration(*days)*24*time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	return nil
}

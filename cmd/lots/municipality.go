package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"lots/internal/auth"
	"lots/internal/casework"
)

func cmdMunicipality(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New(`usage: lots municipality create --code NNNN --name NAME --admin USERNAME --admin-name "FULL NAME"`)
	}
	var c common
	fs := newFlags("municipality create", "Creates a municipality with one agency and its first administrator, and prints the\nadministrator's initial password once. The administrator then adds agencies and users in the web interface.", stderr)
	c.register(fs)
	code := fs.String("code", "", "four-digit kommunkod (required)")
	name := fs.String("name", "", "municipality name (required)")
	agency := fs.String("agency", "Kommunledningskontoret", "the administrator's agency")
	admin := fs.String("admin", "", "administrator's username (required)")
	adminName := fs.String("admin-name", "", "administrator's full name (required)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *code == "" || *name == "" || *admin == "" || *adminName == "" {
		fs.Usage()
		return errors.New("--code, --name, --admin and --admin-name are required")
	}
	// Check what the administrator's account and agency need before anything is created, so a
	// mistyped username does not leave a municipality without an administrator behind.
	u := casework.User{Username: casework.NormaliseUsername(*admin), Name: *adminName, AgencyID: -1, Roles: casework.NewRoleSet(casework.RoleAdmin)}
	if err := u.Validate(); err != nil {
		return fmt.Errorf("the administrator: %w", err)
	}
	if strings.TrimSpace(*agency) == "" {
		return errors.New("--agency must not be empty")
	}
	a, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	m := casework.Municipality{Code: *code, Name: *name, Settings: casework.DefaultSettings()}
	if err := a.Store.CreateMunicipality(ctx, &m); err != nil {
		return err
	}
	sys := casework.WithActor(ctx, casework.SystemActor(m.ID, "lots municipality create"))
	ag := casework.Agency{Name: *agency, Kind: casework.AgencyMunicipalMgmt}
	if err := a.Store.CreateAgency(sys, &ag); err != nil {
		return err
	}
	password := auth.GeneratePassword()
	hash, err := a.Hasher.Hash(password)
	if err != nil {
		return err
	}
	u.AgencyID = ag.ID
	if err := a.Store.CreateUser(sys, &u, hash); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created %s (%s).\nAdministrator: %s\nInitial password (shown once): %s\n", m.Name, m.Code, u.Username, password)
	return nil
}

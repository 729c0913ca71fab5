package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"lots/internal/audit"
	"lots/internal/casework"
)

func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "head") {
		return errors.New("usage: lots audit verify [--municipality CODE] [--head FILE] | lots audit head [--municipality CODE]")
	}
	sub := args[0]
	var c common
	help := "Verifies every municipality's audit log: recomputes each entry's hash and the Merkle tree,\nand names the first broken entry. With --head, also proves the log still extends a tree head\nexported earlier (lots audit head), so a rewrite of the whole log is caught."
	if sub == "head" {
		help = "Prints each municipality's current audit tree head. Keep copies outside the server\n(e-mail them to the data protection officer, say): they prove later that nothing was rewritten."
	}
	fs := newFlags("audit "+sub, help, stderr)
	c.register(fs)
	code := fs.String("municipality", "", "only this kommunkod")
	var headFile *string
	if sub == "verify" {
		headFile = fs.String("head", "", "a tree head exported earlier, to check against")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	a, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	ms, err := a.Store.Municipalities(ctx)
	if err != nil {
		return err
	}
	var exported []audit.Head
	if headFile != nil && *headFile != "" {
		b, err := os.ReadFile(*headFile)
		if err != nil {
			return err
		}
		h, err := audit.ParseHead(string(b))
		if err != nil {
			return err
		}
		exported = append(exported, h)
	}
	failed := false
	for _, m := range ms {
		if *code != "" && m.Code != *code {
			continue
		}
		if sub == "head" {
			h, err := a.Store.AuditHead(ctx, m.ID)
			if err != nil {
				return err
			}
			fmt.Fprint(stdout, h.String())
			continue
		}
		var heads []audit.Head
		for _, h := range exported {
			if h.MunicipalityID == m.ID {
				heads = append(heads, h)
			}
		}
		h, err := a.Store.VerifyAudit(ctx, m.ID, heads...)
		if err != nil {
			failed = true
			var p *audit.Problem
			if errors.As(err, &p) {
				fmt.Fprintf(stdout, "FEL  %s %s: entry %d: %s\n", m.Code, m.Name, p.Seq, p.Reason)
				continue
			}
			fmt.Fprintf(stdout, "FEL  %s %s: %v\n", m.Code, m.Name, casework.AsError(err).Error())
			continue
		}
		fmt.Fprintf(stdout, "OK   %s %s: %d entries verified%s\n", m.Code, m.Name, h.Size, map[bool]string{true: ", consistent with the exported head", false: ""}[len(heads) > 0])
	}
	if failed {
		return errors.New("the audit log failed verification")
	}
	return nil
}

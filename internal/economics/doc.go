// Package economics computes what SIG and SSPF cost, what they may save ("utebliven kostnad",
// avoided cost) and how sure one can be, for the steering group and the politicians. It is pure:
// no I/O, no clock, no global state. The store measures what Lots records (coordinator time,
// meeting attendance, the interventions of the action plans, the paired follow-up of the
// follow-up manual) and hands the quantities here; this package prices them with the
// municipality's unit-cost register, converts every amount to one price year with the consumer
// price index (KPI), runs a Monte Carlo over the uncertain inputs in the manner of WSIPP
// (Washington State Institute for Public Policy) and splits costs and benefits by who pays and
// who gains. Every result resting on fewer than five young people is withheld.
//
// It is an estimate, not an evaluation: Lots cannot know what would have happened without SIG.
// The share of the observed change attributed to SIG and how long an effect lasts are
// assumptions the user sets; docs/economics.md describes the method and what it cannot claim.
package economics

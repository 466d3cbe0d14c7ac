// Package sla runs a case's SLA clocks: first response, next update and
// resolution. A State is a plain value driven by events (opened, priority
// changed, terms changed, vendor replied, waiting on customer, customer
// replied, resolved, reopened, tick); it does no I/O and reads no clock, so
// replaying the same events gives the same state.
//
// Clock semantics:
//   - Targets are working time on the priority's coverage calendar: the
//     contract's own for coverage "business", else a built-in one. On a
//     holiday of the contract's calendar only P1 on a plan with 24x7
//     coverage is worked (plan.Plan.CoversHolidays); every other clock skips
//     the contract's holidays even on a built-in calendar.
//   - First response starts at opening and is met by the first public vendor
//     reply (or by resolving the case).
//   - Next update starts at a customer reply once the first response is
//     given, unless one is already running (the oldest unanswered reply
//     counts), and is met by the next public vendor reply.
//   - Resolution starts at opening, pauses while the case waits on the
//     customer, and is met on resolution. Reopening starts a new cycle;
//     past cycles stay in the state and in reports.
//   - A clock warns once the warning share of its target is used (Rules.WarnAt,
//     default 75 %) and breaches when its due time has passed; a reply at
//     the due time is in time. Met, breached and cancelled are final.
//   - No contract, a contract not yet started or expired, a plan without
//     commitment, or an unsupported product version: no clocks run, and
//     State.Reason holds the code. Clocks start when terms with a commitment
//     arrive, counting from then, and are cancelled when the commitment goes.
//
// Re-targeting: a priority or terms (plan, contract, calendar) change applies
// the new target and calendar to every running or paused clock. The change is
// an upgrade if the new terms make the clock due earlier, a downgrade if
// later. By default (KeepStart) the new target counts from the clock's
// original start, as Zendesk and Salesforce do, and if that due time has
// already passed the clock breaches at once. Rules.Upgrade and
// Rules.Downgrade can each be set to Restart, which counts the new target
// from the change instead. A metric the new terms do not measure is
// cancelled; one the old terms did not measure starts at the change.
//
// Versions: each cycle records the plan id and version, the priority and the
// calendar id and version it was computed with, and keeps them until an event
// re-targets it, so editing a plan or a calendar never rewrites a running
// clock or its history. Explain answers "when is this due, and why" for every
// cycle: calendar, target, working and real time elapsed, and pauses.
package sla

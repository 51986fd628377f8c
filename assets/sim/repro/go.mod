module runbook.sim/repro

go 1.19

module runbook.sim/fixed-mutex

go 1.19

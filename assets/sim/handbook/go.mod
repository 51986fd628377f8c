module runbook.sim/handbook

go 1.19

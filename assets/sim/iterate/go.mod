module runbook.sim/iterate

go 1.19

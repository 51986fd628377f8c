module runbook.sim/handler

go 1.19

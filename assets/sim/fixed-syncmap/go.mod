module runbook.sim/fixed-syncmap

go 1.19

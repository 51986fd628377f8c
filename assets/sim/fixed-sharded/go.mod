module runbook.sim/fixed-sharded

go 1.19

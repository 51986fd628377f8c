module runbook.sim/fixed-rwmutex

go 1.19

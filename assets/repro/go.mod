module example.com/maprace/repro

go 1.19

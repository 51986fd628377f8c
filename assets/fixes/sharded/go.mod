module example.com/maprace/fixes/sharded

go 1.19

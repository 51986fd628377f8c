module example.com/maprace/fixes/mutex

go 1.19

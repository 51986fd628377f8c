module example.com/maprace/fixes/syncmap

go 1.19

module example.com/maprace/fixes/rwmutex

go 1.19

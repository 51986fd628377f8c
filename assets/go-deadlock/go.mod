module example.com/godeadlock

go 1.19

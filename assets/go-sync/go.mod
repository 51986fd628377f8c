module example.com/gosync

go 1.19

module example.com/gomemory

go 1.19

module example.com/drills/shortlink

go 1.19

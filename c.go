package store

func beta(name string) string {
	greeting := "hello " + name
	log.Printf("greeting %s", greeting)
	return strings.ToUpper(greeting)
}

module github.com/megaco/megaco

go 1.25.0

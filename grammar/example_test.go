package grammar_test

import (
	"errors"
	"fmt"

	"github.com/alecthomas/participle/v2"

	"github.com/megaco/megaco/grammar"
)

func ExampleParse() {
	ast, err := grammar.Parse([]byte("MEGACO/1 [192.0.2.1]:2944 Transaction = 9 { Context = - { Notify = a/1 { ObservedEvents = 1 { al/on } } } }"), 0)
	if err != nil {
		panic(err)
	}
	fmt.Println(ast.Message.Version.Version, ast.Message.Transactions[0].Request.ID.Value)

	_, err = grammar.Parse([]byte("MEGACO/1 [192.0.2.1]:2944 Transaction = 9 { Context = - { Delete = a/1 } }"), 0)
	var perr participle.Error
	if errors.As(err, &perr) {
		fmt.Println(perr.Position(), perr.Message())
	}
	// Output:
	// 1 9
	// 1:59 unexpected token "Delete" (expected ActionRequestItem ("," ActionRequestItem)* "}")
}

// Package grammar is the definition of the text encoding of H.248.1
// (Megaco, Annex B), versions 1 to 3: the tokens and the grammar, and
// the lexical rules below them.
//
//   - Scanner splits a message into tokens; the fast decoder in codec/text
//     reads them directly, and Lexer hands the same tokens to participle.
//     RefLexer, a participle stateful lexer of regular expressions, is the
//     readable definition of those tokens, held equal to the scanner by a
//     conformance test.
//   - The structs of grammar*.go, named after the ABNF rules, are the
//     grammar as a participle parser; EBNF prints it
//     (testdata/megaco.ebnf). Parse reads a message into them.
//   - lexical.go, digitmap.go and the leaf types of leaf.go read the
//     inside of tokens: numbers, names, "10/1/END", digit maps.
//
// The grammar is the reference the fast decoder is tested against (a
// differential test and fuzz target in codec/text), the source of the
// diagnostic when the fast decoder rejects a message, and the checker
// behind "megaco transcode --check". It is slow (it is participle:
// reflective, allocating) and is not used on the hot path.
//
//	ast, err := grammar.Parse(msg, 0)
//	if err != nil {
//		var perr participle.Error // *grammar.ParseError or participle's
//		errors.As(err, &perr)
//		fmt.Println(perr.Position(), perr.Message())
//	}
//	_ = ast.Message.Version.Version
//
// codec/text.DecodeGrammar turns the AST into an *h248.Message with the
// checks the grammar leaves to that step: what the message's version
// allows and the "at most once" rules.
package grammar

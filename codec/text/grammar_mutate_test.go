package text_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"testing"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/grammar"
)

var mutations = flag.Int("grammar.mutations", 600,
	"token-level mutations of the valid corpus that TestGrammarMutations decodes on both paths (0: all)")

// TestGrammarMutations edits the valid corpus a token at a time (drops,
// doubles, swaps or replaces a token, by keywords and punctuation too;
// changes the version) and checks that both decoders agree on each
// result: where byte-level fuzzing rarely builds another well-formed
// construct, these edits mostly do.
func TestGrammarMutations(t *testing.T) {
	var cases [][]byte
	for _, f := range readCorpus(t, validDir) {
		cases = append(cases, mutate(f.data)...)
	}
	rng := rand.New(rand.NewSource(1))
	rng.Shuffle(len(cases), func(i, j int) { cases[i], cases[j] = cases[j], cases[i] })
	if *mutations > 0 && len(cases) > *mutations {
		cases = cases[:*mutations]
	}
	for _, b := range cases {
		if msg := compareDecoders(b); msg != "" {
			t.Errorf("%s\ninput:\n%s", msg, b)
		}
	}
}

// compareDecoders returns what differs between the fast decoder and the
// grammar on b, or "".
func compareDecoders(b []byte) string {
	fast, ferr := text.DecodeFast(b, codec.Limits{})
	slow, gerr := text.DecodeGrammar(b, codec.Limits{})
	var fe, ge *codec.DecodeError
	switch {
	case errors.As(ferr, &fe) && (errors.Is(fe, codec.ErrTooDeep) || errors.Is(fe, codec.ErrTooLarge)):
		return ""
	case ferr == nil && gerr == nil:
		if d := modelDiff(fast, slow); d != "" {
			return "models differ: " + d
		}
	case ferr == nil:
		return fmt.Sprintf("the fast decoder accepts, the grammar rejects: %v", gerr)
	case gerr == nil:
		return fmt.Sprintf("the grammar accepts, the fast decoder rejects: %v", ferr)
	case !errors.As(gerr, &ge):
		return fmt.Sprintf("grammar: want a *codec.DecodeError, got %v", gerr)
	case fe.Code != ge.Code:
		return fmt.Sprintf("codes differ:\n  fast:    %v\n  grammar: %v", fe, ge)
	case fe.Offset != ge.Offset && !readsAhead(b, fe, ge):
		return fmt.Sprintf("positions differ:\n  fast:    %v\n  grammar: %v", fe, ge)
	}
	return ""
}

// replacements are the tokens mutate puts in place of others: every
// keyword form and every punctuation character.
var replacements = func() []string {
	r := []string{"{", "}", "[", "]", ",", "=", ":", "<", ">", "#", `"q"`, "a/b", "x", "1", "99999", "*", "$", "-"}
	for _, k := range grammar.Keywords() {
		r = append(r, k.Long())
		if s := k.Info().Short; s != "" {
			r = append(r, s)
		}
	}
	return r
}()

// mutate returns edits of msg, each changing one token.
func mutate(msg []byte) [][]byte {
	sc := grammar.NewScanner(msg, 0)
	var toks []grammar.Token
	for t := sc.Next(); t.Kind != grammar.EOF && t.Kind != grammar.Error; t = sc.Next() {
		toks = append(toks, t)
	}
	edit := func(pos, end int, with string) []byte {
		var b bytes.Buffer
		b.Write(msg[:pos])
		b.WriteString(with)
		b.Write(msg[end:])
		return b.Bytes()
	}
	var out [][]byte
	for _, v := range []string{"1", "2", "3"} {
		if len(toks) > 0 {
			h := string(msg[toks[0].Pos:toks[0].End])
			if i := bytes.IndexByte([]byte(h), '/'); i >= 0 {
				out = append(out, edit(toks[0].Pos+i+1, toks[0].End, v))
			}
		}
	}
	for i, t := range toks {
		text := string(msg[t.Pos:t.End])
		out = append(out, edit(t.Pos, t.End, ""))            // drop
		out = append(out, edit(t.Pos, t.End, text+" "+text)) // double
		out = append(out, edit(t.Pos, t.End, text+","+text))
		if i+1 < len(toks) {
			n := toks[i+1]
			out = append(out, edit(t.Pos, n.End, string(msg[n.Pos:n.End])+string(msg[t.End:n.Pos])+text)) // swap
		}
		for j, r := range replacements {
			if (i*31+j)%mutationSpread == 0 { // a spread of replacements per token
				out = append(out, edit(t.Pos, t.End, r))
			}
		}
	}
	return out
}

// mutationSpread: each token is replaced by one in mutationSpread of the
// replacements.
var mutationSpread = 7

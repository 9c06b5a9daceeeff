# The two commands: `make run` and `make test`. The others are for
# development: benchmarks, fuzzing and interop stay out of `make test`.
GO       ?= go
FUZZTIME ?= 60s
# Erlang/OTP megaco and tshark tools (../shared/interop); `make interop` needs them.
INTEROP  ?= $(abspath ../shared/interop)

.PHONY: run test lint bench fuzz interop

# The demo: the MGC layer, an application placing calls and simulated MGs.
run:
	$(GO) run ./cmd/megaco demo

test: lint
	$(GO) test -race ./...

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./codec/... ./pkg/engine ./pkg/mgc
	$(GO) run ./cmd/megaco bench codec --dir testdata/text/valid --encoding pretty
	$(GO) run ./cmd/megaco bench codec --dir testdata/text/valid --encoding compact
	$(GO) run ./cmd/megaco bench codec --dir testdata/ber/ours --encoding binary --termids decimal,tdm=1,rtp=2:5,aaln=3,isdn=4
	INTEROP=$(INTEROP) ./scripts/codec_compare.sh
	INTEROP=$(INTEROP) ./testdata/ber/bench_compare.sh
	INTEROP=$(INTEROP) ./scripts/load_compare.sh

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzTextDecode$$' -fuzztime $(FUZZTIME) ./codec/text
	$(GO) test -run '^$$' -fuzz '^FuzzTextRoundTrip$$' -fuzztime $(FUZZTIME) ./codec/text
	$(GO) test -run '^$$' -fuzz '^FuzzGrammarVsFast$$' -fuzztime $(FUZZTIME) ./codec/text
	$(GO) test -run '^TestGrammarMutations$$' ./codec/text -grammar.mutations=0
	$(GO) test -run '^$$' -fuzz '^FuzzBERDecode$$' -fuzztime $(FUZZTIME) ./codec/ber
	$(GO) test -run '^$$' -fuzz '^FuzzBERRoundTrip$$' -fuzztime $(FUZZTIME) ./codec/ber
	$(GO) test -run '^$$' -fuzz '^FuzzFramer$$' -fuzztime $(FUZZTIME) ./transport/tcp
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeUpdate$$' -fuzztime $(FUZZTIME) ./pkg/replication

interop:
	INTEROP=$(INTEROP) $(GO) test -tags interop -count=1 -v ./interop/ ./codec/ber

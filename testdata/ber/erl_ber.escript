#!/usr/bin/env escript
%%! -noinput
%%% erl_ber -- Erlang/OTP megaco's BER codec (megaco_ber_encoder) as an
%%% independent judge of codec/ber. Calls megaco's public encoder modules
%%% only; nothing of megaco is copied here.
%%%
%%%   erl_ber.escript encode OUTDIR TEXTFILE...
%%%       decodes each text message with megaco_pretty_text_encoder,
%%%       rewrites its termination ids into megaco's binary form (below),
%%%       encodes it with megaco_ber_encoder and writes OUTDIR/NAME.ber;
%%%       with OUTDIR/text/NAME.txt, the rewritten message as pretty text
%%%       (the input for codec_bench.escript --codecs ber).
%%%   erl_ber.escript bench OUTDIR TEXTFILE...
%%%       like encode, but writes only OUTDIR/NAME.txt, with every id padded
%%%       to three levels, for the messages megaco_ber_encoder encodes
%%%       with its default configuration (codec_bench.escript's input).
%%%   erl_ber.escript check BERDIR TEXTFILE...
%%%       decodes BERDIR/NAME.ber (ours, raw package values) with
%%%       megaco_ber_encoder and compares it with the rewritten text
%%%       message.
%%%
%%% One line per file: NAME<TAB>ok | NAME<TAB>skip<TAB>why |
%%% NAME<TAB>diff<TAB>where | NAME<TAB>error<TAB>why.
%%%
%%% Termination ids: megaco's binary codec only knows ids whose levels are
%%% bit strings ("00000001/00000101") of a fixed number of 8-bit levels
%%% per message. Text ids are rewritten level by level with the mapping of
%%% codec/ber's tests (ber_test.go, testTermIDs): the first level may be a
%%% word (tdm 1, rtp 2, aaln 3, isdn 4, a4444 0x44, a4445 0x45,
%%% a5555 0x55, a5556 0x56), other levels decimal numbers below 256, "*"
%%% and "$" stay. The levels per message are the most any of its ids has;
%%% a message whose ids have fewer levels than that, or ids that do not
%%% map, is skipped.
-mode(compile).

-include_lib("megaco/include/megaco.hrl").

main(["encode", Out | Files]) ->
    ok = filelib:ensure_dir(filename:join([Out, "text", "x"])),
    [io:format("~s~n", [encode(Out, F)]) || F <- Files],
    halt(0);
main(["bench", Out | Files]) ->
    ok = filelib:ensure_dir(filename:join(Out, "x")),
    [io:format("~s~n", [bench(Out, F)]) || F <- Files],
    halt(0);
main(["check", Dir | Files]) ->
    [io:format("~s~n", [check(Dir, F)]) || F <- Files],
    halt(0);
main(_) ->
    io:format("usage: erl_ber.escript encode|bench OUTDIR TEXTFILE... | check BERDIR TEXTFILE...~n"),
    halt(2).

name(File) -> filename:basename(File, ".txt").

%% load(File) -> {ok, Version, Levels, Msg} | {skip, Why}
load(File) ->
    {ok, Bin} = file:read_file(File),
    case catch megaco_pretty_text_encoder:decode_message([], dynamic, Bin) of
        {ok, M} ->
            V = version(M),
            case catch rewrite(M) of
                {ok, M2, Levels} -> {ok, V, Levels, M2};
                {'EXIT', R} -> {skip, io_lib:format("termination id: ~P", [R, 8])};
                {bad, Why} -> {skip, Why}
            end;
        Err ->
            {skip, io_lib:format("megaco does not decode the text: ~P", [Err, 12])}
    end.

version({'MegacoMessage', _, {'Message', V, _, _}}) -> V.

ec(V, Levels) ->
    Mod = list_to_atom("megaco_binary_name_resolver_v" ++ integer_to_list(V)),
    [{binary_name_resolver, {Mod, lists:duplicate(Levels, 8)}}].

encode(Out, File) ->
    N = name(File),
    case load(File) of
        {skip, Why} ->
            tab([N, "skip", Why]);
        {ok, V, Levels, M} ->
            case catch megaco_ber_encoder:encode_message(ec(V, Levels), V, M) of
                {ok, Ber} ->
                    ok = file:write_file(filename:join(Out, N ++ ".ber"), Ber),
                    case catch megaco_pretty_text_encoder:encode_message([], V, M) of
                        {ok, Txt} ->
                            ok = file:write_file(filename:join([Out, "text", N ++ ".txt"]), Txt),
                            tab([N, "ok"]);
                        Err ->
                            tab([N, "ok", io_lib:format("no text: megaco_pretty_text_encoder: ~P", [Err, 8])])
                    end;
                Err ->
                    tab([N, "skip", io_lib:format("megaco_ber_encoder: ~P", [Err, 10])])
            end
    end.

%% bench: the rewritten message as pretty text, every id padded to three
%% levels (level 00000000 added) so that megaco's default binary
%% configuration, which codec_bench.escript uses, takes it.
bench(Out, File) ->
    N = name(File),
    case load(File) of
        {skip, Why} ->
            tab([N, "skip", Why]);
        {ok, V, _Levels, M0} ->
            M = pad(M0),
            case catch megaco_ber_encoder:encode_message([], V, M) of
                {ok, _} ->
                    case catch megaco_pretty_text_encoder:encode_message([], V, M) of
                        {ok, Txt} ->
                            ok = file:write_file(filename:join(Out, N ++ ".txt"), Txt),
                            tab([N, "ok"]);
                        Err ->
                            tab([N, "skip", io_lib:format("megaco_pretty_text_encoder: ~P", [Err, 8])])
                    end;
                Err ->
                    tab([N, "skip", io_lib:format("megaco_ber_encoder: ~P", [Err, 8])])
            end
    end.

pad(#megaco_term_id{id = L} = T) when length(L) < 3 ->
    case root(T) orelse trailing_wild(L) of
        true -> T;
        false -> T#megaco_term_id{id = L ++ lists:duplicate(3 - length(L), "00000000")}
    end;
pad(T) when is_tuple(T) -> list_to_tuple(pad(tuple_to_list(T)));
pad([H | R]) -> [pad(H) | pad(R)];
pad(X) -> X.

check(Dir, File) ->
    N = name(File),
    case load(File) of
        {skip, Why} ->
            tab([N, "skip", Why]);
        {ok, V, Levels, M} ->
            {ok, Ber} = file:read_file(filename:join(Dir, N ++ ".ber")),
            case catch megaco_ber_encoder:decode_message(ec(V, Levels), V, Ber) of
                {ok, M} ->
                    tab([N, "ok"]);
                {ok, M2} ->
                    case norm(M) =:= norm(M2) of
                        true -> tab([N, "ok"]);
                        false -> tab([N, "diff", io_lib:format("~P", [first_diff(norm(M), norm(M2), []), 30])])
                    end;
                Err ->
                    tab([N, "error", io_lib:format("~P", [Err, 12])])
            end
    end.

tab(Fields) ->
    Line = lists:flatten(lists:join("\t", [lists:flatten(F) || F <- Fields])),
    re:replace(Line, "\\s*\n\\s*", " ", [global, {return, list}]).

%% norm(Term): names compare case-insensitively (strings in lower case)
%% and audit tokens are a set (sorted).
norm(T) when is_tuple(T), tuple_size(T) >= 2, element(1, T) =:= 'AuditDescriptor', is_list(element(2, T)) ->
    norm(setelement(2, T, {tokens, lists:sort(element(2, T))}));
norm(T) when is_tuple(T) -> list_to_tuple(norm(tuple_to_list(T)));
norm([]) -> [];
norm(L) when is_list(L) ->
    case io_lib:printable_list(L) of
        true -> string:lowercase(L);
        false -> norm_list(L)
    end;
norm(X) -> X.

norm_list([H | T]) -> [norm(H) | norm_list(T)];
norm_list(T) -> norm(T).

%% first_diff(Want, Got, Path) -> {Path, Want, Got} of the first difference.
first_diff(X, X, _) -> same;
first_diff(A, B, Path) when is_tuple(A), is_tuple(B), tuple_size(A) =:= tuple_size(B) ->
    first_of([first_diff(element(I, A), element(I, B), [element(1, A) | Path])
              || I <- lists:seq(1, tuple_size(A))], {lists:reverse(Path), A, B});
first_diff(A, B, Path) when is_list(A), is_list(B), length(A) =:= length(B) ->
    first_of([first_diff(X, Y, Path) || {X, Y} <- lists:zip(A, B)], {lists:reverse(Path), A, B});
first_diff(A, B, Path) -> {lists:reverse(Path), A, B}.

first_of([], Default) -> Default;
first_of([same | T], Default) -> first_of(T, Default);
first_of([D | _], _) -> D.

%% rewrite(M) -> {ok, M2, Levels}: every #megaco_term_id{} in binary form.
rewrite(M) ->
    Ids = collect(M, []),
    Levels = lists:max([1 | [length(L) || #megaco_term_id{id = L} = T <- Ids, not root(T)]]),
    [throw({bad, io_lib:format("ids with ~B and ~B levels in one message", [length(L), Levels])})
     || #megaco_term_id{id = L} = T <- Ids, not root(T), length(L) < Levels, not trailing_wild(L)],
    {ok, walk(M), Levels}.

root(#megaco_term_id{id = [[$r, $o, $o, $t]]}) -> true;
root(_) -> false.

trailing_wild(L) -> lists:last(L) =:= [$*] orelse lists:last(L) =:= [$$].

collect(#megaco_term_id{} = T, Acc) -> [T | Acc];
collect(T, Acc) when is_tuple(T) -> collect(tuple_to_list(T), Acc);
collect([H | R], Acc) -> collect(R, collect(H, Acc));
collect(_, Acc) -> Acc.

walk(#megaco_term_id{} = T) ->
    case root(T) of
        true -> T;
        false -> T#megaco_term_id{id = levels(T#megaco_term_id.id)}
    end;
walk(T) when is_tuple(T) -> list_to_tuple(walk(tuple_to_list(T)));
walk([H | R]) -> [walk(H) | walk(R)];
walk(X) -> X.

levels([First | Rest]) -> [level(word(string:lowercase(First))) | [level(L) || L <- Rest]].

word("tdm") -> "1";
word("rtp") -> "2";
word("aaln") -> "3";
word("isdn") -> "4";
word("a4444") -> "68";
word("a4445") -> "69";
word("a5555") -> "85";
word("a5556") -> "86";
word(L) -> L.

level([$*]) -> [$*];
level([$$]) -> [$$];
level(L) ->
    case catch list_to_integer(L) of
        N when is_integer(N), N >= 0, N < 256 ->
            lists:flatten(io_lib:format("~8.2.0B", [N]));
        _ ->
            throw({bad, io_lib:format("level ~p is not a word or a number below 256", [L])})
    end.

#!/usr/bin/env escript
%%! -noshell
%% text_interop.escript OUTDIR FILE...
%%
%% For each message file F (basename N), with Erlang/OTP megaco's text codec:
%%   - decode F; if Erlang rejects it, print "N<TAB>rejects<TAB>Reason";
%%   - decode our pretty and compact encodings OUTDIR/ours/{pretty,compact}/N
%%     and compare with F's message: "N<TAB>ours_pretty<TAB>ok" or "diff PATH"
%%     or "error Reason";
%%   - encode F's message with Erlang's pretty and compact encoders into
%%     OUTDIR/erlang/{pretty,compact}/N: "N<TAB>erlang_pretty<TAB>written".
main([OutDir | Files]) ->
    lists:foreach(fun(F) -> check(OutDir, F) end, Files);
main(_) ->
    io:format("usage: text_interop.escript OUTDIR FILE...~n"),
    halt(2).

check(OutDir, F) ->
    N = filename:basename(F),
    {ok, Bin} = file:read_file(F),
    case decode(Bin) of
        {ok, M} ->
            [ours(OutDir, N, Enc, M) || Enc <- ["pretty", "compact"]],
            [theirs(OutDir, N, Enc, Mod, M) || {Enc, Mod} <- [{"pretty", megaco_pretty_text_encoder},
                                                             {"compact", megaco_compact_text_encoder}]];
        {error, R} ->
            out(N, "rejects", R)
    end.

decode(Bin) ->
    case catch megaco_pretty_text_encoder:decode_message([], dynamic, Bin) of
        {ok, M} -> {ok, M};
        {error, E} -> {error, E};
        Other -> {error, {crash, Other}}
    end.

ours(OutDir, N, Enc, M) ->
    Tag = "ours_" ++ Enc,
    case file:read_file(filename:join([OutDir, "ours", Enc, N])) of
        {ok, Bin} ->
            case decode(Bin) of
                {ok, M} -> out(N, Tag, ok);
                {ok, M2} -> out(N, Tag, {diff, first_diff(M, M2, [])});
                {error, R} -> out(N, Tag, {error, R})
            end;
        {error, R} ->
            out(N, Tag, {missing, R})
    end.

theirs(OutDir, N, Enc, Mod, M) ->
    Tag = "erlang_" ++ Enc,
    case catch Mod:encode_message([], M) of
        {ok, IoData} ->
            Path = filename:join([OutDir, "erlang", Enc, N]),
            ok = filelib:ensure_dir(Path),
            ok = file:write_file(Path, iolist_to_binary(IoData)),
            out(N, Tag, written);
        Err ->
            out(N, Tag, {error, Err})
    end.

%% first_diff returns the path (element positions) to the first subterm
%% where A and B differ, with both subterms.
first_diff(A, A, _) -> same;
first_diff(A, B, Path) when is_tuple(A), is_tuple(B), tuple_size(A) =:= tuple_size(B) ->
    first_diff(tuple_to_list(A), tuple_to_list(B), Path);
first_diff([H | T1], [H | T2], Path) -> first_diff(T1, T2, next(Path));
first_diff([H1 | _], [H2 | _], Path) when is_tuple(H1); is_list(H1) ->
    case first_diff(H1, H2, [1 | Path]) of
        same -> same;
        D -> D
    end;
first_diff(A, B, Path) -> {lists:reverse(Path), A, B}.

next([]) -> [2];
next([I | P]) -> [I + 1 | P].

out(N, Tag, Result) ->
    io:format("~s\t~s\t~s~n", [N, Tag, flat(Result)]).

flat(ok) -> "ok";
flat(written) -> "written";
flat(R) -> re:replace(lists:flatten(io_lib:format("~0P", [R, 30])), "[\t\n]", " ", [global, {return, list}]).

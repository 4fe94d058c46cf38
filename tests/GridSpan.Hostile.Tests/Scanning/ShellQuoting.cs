namespace GridSpan.Hostile.Tests.Scanning;

/// <summary>How the shell reads each character of a script: literally (single quotes, quoted here-documents, comments), in double quotes, or unquoted.</summary>
internal enum Quoting
{
    Unquoted,
    Single,
    Double,
    Escaped,
    Comment,
    LiteralHereDocument,
    ExpandingHereDocument,
}

/// <summary>A small POSIX sh lexer: enough to tell, for each character, whether the shell would interpret it.</summary>
internal static class ShellQuoting
{
    public static Quoting[] Of(string script)
    {
        var states = new Quoting[script.Length];
        var state = Quoting.Unquoted;
        var pendingHereDocuments = new List<(string Word, bool Literal, bool StripTabs)>();
        for (var i = 0; i < script.Length; i++)
        {
            var c = script[i];
            switch (state)
            {
                case Quoting.Single:
                    states[i] = Quoting.Single;
                    if (c == '\'')
                    {
                        state = Quoting.Unquoted;
                    }
                    continue;
                case Quoting.Double:
                    states[i] = Quoting.Double;
                    if (c == '\\' && i + 1 < script.Length)
                    {
                        states[++i] = Quoting.Escaped;
                    }
                    else if (c == '"')
                    {
                        state = Quoting.Unquoted;
                    }
                    continue;
                case Quoting.Comment:
                    if (c == '\n')
                    {
                        state = Quoting.Unquoted;
                        goto case Quoting.Unquoted;
                    }
                    states[i] = Quoting.Comment;
                    continue;
                case Quoting.Unquoted:
                    states[i] = Quoting.Unquoted;
                    if (c == '\'')
                    {
                        state = Quoting.Single;
                    }
                    else if (c == '"')
                    {
                        state = Quoting.Double;
                    }
                    else if (c == '\\' && i + 1 < script.Length)
                    {
                        states[++i] = Quoting.Escaped;
                    }
                    else if (c == '#' && (i == 0 || char.IsWhiteSpace(script[i - 1]) || script[i - 1] is ';' or '&' or '|' or '(' ))
                    {
                        state = Quoting.Comment;
                        states[i] = Quoting.Comment;
                    }
                    else if (c == '<' && i + 1 < script.Length && script[i + 1] == '<' && (i + 2 >= script.Length || script[i + 2] != '<'))
                    {
                        pendingHereDocuments.Add(ReadHereDocumentWord(script, i + 2));
                        states[++i] = Quoting.Unquoted;
                    }
                    else if (c == '\n' && pendingHereDocuments.Count > 0)
                    {
                        i = SkipHereDocuments(script, i + 1, pendingHereDocuments, states) - 1;
                        pendingHereDocuments.Clear();
                    }
                    continue;
                default:
                    continue;
            }
        }
        return states;
    }

    private static (string Word, bool Literal, bool StripTabs) ReadHereDocumentWord(string script, int at)
    {
        var stripTabs = at < script.Length && script[at] == '-';
        var i = stripTabs ? at + 1 : at;
        while (i < script.Length && script[i] is ' ' or '\t')
        {
            i++;
        }
        var start = i;
        while (i < script.Length && !char.IsWhiteSpace(script[i]) && script[i] is not ';' and not '|' and not '&' and not ')')
        {
            i++;
        }
        var raw = script[start..i];
        var word = raw.Replace("'", "", StringComparison.Ordinal).Replace("\"", "", StringComparison.Ordinal).Replace("\\", "", StringComparison.Ordinal);
        return (word, word.Length != raw.Length, stripTabs);
    }

    /// <returns>The index just after the last terminator line.</returns>
    private static int SkipHereDocuments(string script, int at, List<(string Word, bool Literal, bool StripTabs)> documents, Quoting[] states)
    {
        var i = at;
        foreach (var (word, literal, stripTabs) in documents)
        {
            while (i < script.Length)
            {
                var end = script.IndexOf('\n', i);
                var lineEnd = end < 0 ? script.Length : end;
                var line = script[i..lineEnd];
                var next = end < 0 ? script.Length : end + 1;
                if ((stripTabs ? line.TrimStart('\t') : line) == word)
                {
                    for (var k = i; k < next; k++)
                    {
                        states[k] = Quoting.Unquoted;
                    }
                    i = next;
                    break;
                }
                for (var k = i; k < next; k++)
                {
                    states[k] = literal ? Quoting.LiteralHereDocument : Quoting.ExpandingHereDocument;
                }
                i = next;
            }
        }
        return i;
    }
}

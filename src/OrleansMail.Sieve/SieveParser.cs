namespace OrleansMail.Sieve;

/// <summary>The grammar of RFC 5228 §8.2 over the lexer's tokens: commands, arguments, tests and blocks, nested at most <c>maxNesting</c> deep.</summary>
public sealed class SieveParser
{
    private readonly List<SieveToken> _tokens;
    private readonly int _maxNesting;
    private int _at;

    private SieveParser(List<SieveToken> tokens, int maxNesting)
    {
        _tokens = tokens;
        _maxNesting = maxNesting;
    }

    public static IReadOnlyList<SieveNode> Parse(string source, int maxNesting = 32)
    {
        var parser = new SieveParser(new SieveLexer(source).ReadAll(), maxNesting);
        var commands = parser.Commands(0);
        if (parser.Peek.Kind != SieveTokenKind.End)
        {
            throw new SieveScriptException($"unexpected {Describe(parser.Peek)}", parser.Peek.Position);
        }

        return commands;
    }

    private SieveToken Peek => _tokens[_at];

    private SieveToken Take() => _tokens[_at++];

    private List<SieveNode> Commands(int depth)
    {
        var commands = new List<SieveNode>();
        while (Peek.Kind == SieveTokenKind.Identifier)
        {
            commands.Add(Command(depth));
        }

        return commands;
    }

    private SieveNode Command(int depth)
    {
        var name = Take();
        var (arguments, tests) = Arguments(depth);
        if (Peek.Kind == SieveTokenKind.Semicolon)
        {
            Take();
            return new SieveNode(name.Text, arguments, tests, null, name.Position);
        }

        if (Peek.Kind == SieveTokenKind.LeftBrace)
        {
            var open = Take();
            if (depth + 1 > _maxNesting)
            {
                throw new SieveScriptException($"blocks nested deeper than {_maxNesting}", open.Position);
            }

            var block = Commands(depth + 1);
            Expect(SieveTokenKind.RightBrace, "} to close the block");
            return new SieveNode(name.Text, arguments, tests, block, name.Position);
        }

        throw new SieveScriptException($"expected ; or a block after \"{name.Text}\", found {Describe(Peek)}", Peek.Position);
    }

    private (List<SieveArgument> Arguments, List<SieveNode> Tests) Arguments(int depth)
    {
        var arguments = new List<SieveArgument>();
        while (true)
        {
            var token = Peek;
            switch (token.Kind)
            {
                case SieveTokenKind.String:
                    Take();
                    arguments.Add(new SieveStringList([token.Text], token.Position));
                    continue;
                case SieveTokenKind.LeftBracket:
                    arguments.Add(StringList());
                    continue;
                case SieveTokenKind.Number:
                    Take();
                    arguments.Add(new SieveNumber(token.Number, token.Position));
                    continue;
                case SieveTokenKind.Tag:
                    Take();
                    arguments.Add(new SieveTag(token.Text, token.Position));
                    continue;
            }

            break;
        }

        var tests = new List<SieveNode>();
        if (Peek.Kind == SieveTokenKind.Identifier)
        {
            tests.Add(Test(depth + 1));
        }
        else if (Peek.Kind == SieveTokenKind.LeftParen)
        {
            Take();
            tests.Add(Test(depth + 1));
            while (Peek.Kind == SieveTokenKind.Comma)
            {
                Take();
                tests.Add(Test(depth + 1));
            }

            Expect(SieveTokenKind.RightParen, ") to close the test list");
        }

        return (arguments, tests);
    }

    private SieveNode Test(int depth)
    {
        var name = Peek;
        if (name.Kind != SieveTokenKind.Identifier)
        {
            throw new SieveScriptException($"expected a test, found {Describe(name)}", name.Position);
        }

        if (depth > _maxNesting)
        {
            throw new SieveScriptException($"tests nested deeper than {_maxNesting}", name.Position);
        }

        Take();
        var (arguments, tests) = Arguments(depth);
        return new SieveNode(name.Text, arguments, tests, null, name.Position);
    }

    private SieveStringList StringList()
    {
        var open = Take();
        var values = new List<string>();
        while (true)
        {
            var item = Expect(SieveTokenKind.String, "a string in the list");
            values.Add(item.Text);
            if (Peek.Kind == SieveTokenKind.Comma)
            {
                Take();
                continue;
            }

            Expect(SieveTokenKind.RightBracket, "] to close the string list");
            return new SieveStringList(values, open.Position);
        }
    }

    private SieveToken Expect(SieveTokenKind kind, string what)
    {
        if (Peek.Kind != kind)
        {
            throw new SieveScriptException($"expected {what}, found {Describe(Peek)}", Peek.Position);
        }

        return Take();
    }

    private static string Describe(SieveToken token) => token.Kind switch
    {
        SieveTokenKind.End => "the end of the script",
        SieveTokenKind.Identifier => $"\"{token.Text}\"",
        SieveTokenKind.Tag => $"\":{token.Text}\"",
        SieveTokenKind.Number => "a number",
        SieveTokenKind.String => "a string",
        _ => $"\"{token.Text}\"",
    };
}

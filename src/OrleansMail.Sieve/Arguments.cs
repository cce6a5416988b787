namespace OrleansMail.Sieve;

/// <summary>
/// The arguments of one command or test, split as RFC 5228 §2.6 writes them: tagged arguments (some with a value of
/// their own, such as ":comparator" "i;octet") first, then the positional ones. Every misuse is a script error that
/// names where it is.
/// </summary>
internal sealed class Arguments
{
    private static readonly HashSet<string> TakesValue = new(["comparator", "value", "count", "flags", "zone", "subject", "from", "addresses", "handle", "content", "header", "uniqueid"], StringComparer.Ordinal);

    /// <summary>Tags whose value may be a list of strings; the others take exactly one.</summary>
    private static readonly HashSet<string> TakesList = new(["flags", "addresses", "content"], StringComparer.Ordinal);

    /// <summary>Tags whose value is a number (RFC 5230 :days, RFC 5260 :index).</summary>
    private static readonly HashSet<string> TakesNumber = new(["days", "index", "seconds"], StringComparer.Ordinal);

    private readonly SieveNode _node;
    private readonly Dictionary<string, SieveStringList?> _tags = new(StringComparer.Ordinal);
    private readonly List<SieveArgument> _positional = [];
    private readonly Dictionary<string, long> _numbers = new(StringComparer.Ordinal);

    public Arguments(SieveNode node, IReadOnlyCollection<string> allowedTags)
    {
        _node = node;
        for (var i = 0; i < node.Arguments.Count; i++)
        {
            var argument = node.Arguments[i];
            if (argument is not SieveTag tag)
            {
                _positional.Add(argument);
                continue;
            }

            if (_positional.Count > 0)
            {
                throw new SieveScriptException($":{tag.Name} must come before the other arguments of \"{node.Name}\"", tag.Position);
            }

            if (!allowedTags.Contains(tag.Name))
            {
                throw new SieveScriptException($"\"{node.Name}\" takes no :{tag.Name}", tag.Position);
            }

            if (_tags.ContainsKey(tag.Name))
            {
                throw new SieveScriptException($":{tag.Name} given twice", tag.Position);
            }

            SieveStringList? value = null;
            if (TakesNumber.Contains(tag.Name))
            {
                _numbers[tag.Name] = i + 1 < node.Arguments.Count && node.Arguments[i + 1] is SieveNumber number
                    ? number.Value
                    : throw new SieveScriptException($":{tag.Name} needs a number after it", tag.Position);
                i++;
            }
            else if (TakesValue.Contains(tag.Name))
            {
                value = i + 1 < node.Arguments.Count && node.Arguments[i + 1] is SieveStringList list
                    ? list
                    : throw new SieveScriptException($":{tag.Name} needs a string after it", tag.Position);
                if (!TakesList.Contains(tag.Name) && value.Values.Count != 1)
                {
                    throw new SieveScriptException($":{tag.Name} takes one string, not a list", tag.Position);
                }

                i++;
            }

            _tags[tag.Name] = value;
        }
    }

    public bool Has(string tag) => _tags.ContainsKey(tag) || _numbers.ContainsKey(tag);

    /// <summary>How many positional arguments were given.</summary>
    public int Count => _positional.Count;

    public string TagString(string tag) => _tags[tag]!.Values[0].ToLowerInvariant();

    /// <summary>The tag's one string as written (no case folding): a subject, an address, a handle.</summary>
    public string TagText(string tag) => _tags[tag]!.Values[0];

    public long TagNumber(string tag) => _numbers[tag];

    public IReadOnlyList<string> TagStrings(string tag) => _tags[tag]!.Values;

    public IReadOnlyList<string> Strings(int index, string what) =>
        Positional(index, what) is SieveStringList list ? list.Values : throw Wrong(index, $"{what} as a string or string list");

    public string String(int index, string what) =>
        Positional(index, what) is SieveStringList { Values.Count: 1 } list ? list.Values[0] : throw Wrong(index, $"{what} as one string");

    public long Number(int index, string what) =>
        Positional(index, what) is SieveNumber number ? number.Value : throw Wrong(index, $"{what} as a number");

    /// <summary>Fails when more than <paramref name="count"/> positional arguments were given.</summary>
    public void End(int count)
    {
        if (_positional.Count > count)
        {
            throw new SieveScriptException($"\"{_node.Name}\" takes {count} argument{(count == 1 ? "" : "s")} besides its tags", _positional[count].Position);
        }
    }

    private SieveArgument Positional(int index, string what) =>
        index < _positional.Count ? _positional[index] : throw new SieveScriptException($"\"{_node.Name}\" needs {what}", _node.Position);

    private SieveScriptException Wrong(int index, string expected) =>
        new($"\"{_node.Name}\" expects {expected}", _positional[index].Position);
}

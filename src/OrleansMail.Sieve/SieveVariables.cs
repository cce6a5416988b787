using System.Globalization;
using System.Text;

namespace OrleansMail.Sieve;

/// <summary>
/// The variables extension (RFC 5229): names, the modifiers of "set", and the expansion of "${name}" and
/// "${N}" in strings. Expansion is bounded: a variable holds at most <see cref="MaxValueLength"/> characters and a
/// run at most <see cref="MaxVariables"/> of them, so a script cannot build a string that eats memory.
/// </summary>
internal static class SieveVariables
{
    /// <summary>RFC 5229 §6 asks for at least 4,000 octets per variable.</summary>
    public const int MaxValueLength = 4096;

    public const int MaxVariables = 128;

    /// <summary>The modifiers of "set", in the order they are applied (largest precedence first, §4.1).</summary>
    public static readonly string[] Modifiers = ["lower", "upper", "lowerfirst", "upperfirst", "quotewildcard", "length"];

    /// <summary>variable-name = (ALPHA / "_") *(ALPHA / DIGIT / "_") (§3).</summary>
    public static bool IsName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    public static string Modify(string value, IReadOnlyList<string> modifiers)
    {
        foreach (var modifier in Modifiers.Where(modifiers.Contains))
        {
            value = modifier switch
            {
                "lower" => value.ToLowerInvariant(),
                "upper" => value.ToUpperInvariant(),
                "lowerfirst" => value.Length == 0 ? value : char.ToLowerInvariant(value[0]) + value[1..],
                "upperfirst" => value.Length == 0 ? value : char.ToUpperInvariant(value[0]) + value[1..],
                "quotewildcard" => Quote(value),
                _ => value.Length.ToString(CultureInfo.InvariantCulture),
            };
        }

        return value;
    }

    /// <summary>
    /// Replaces "${name}" with the variable's value (empty when unset) and "${N}" with match variable N (§3); a
    /// reference that is not well formed stays as written.
    /// </summary>
    public static string Expand(string text, Func<string, string> variable, IReadOnlyList<string> matches)
    {
        var start = text.IndexOf("${", StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var at = 0;
        while (start >= 0)
        {
            var end = text.IndexOf('}', start + 2);
            if (end < 0)
            {
                break;
            }

            var name = text[(start + 2)..end];
            string? value = null;
            if (name.Length > 0 && name.All(char.IsAsciiDigit))
            {
                value = int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < matches.Count ? matches[index] : "";
            }
            else if (IsName(name))
            {
                value = variable(name);
            }
            else if (name.Contains('.', StringComparison.Ordinal) && name.Split('.').All(IsName))
            {
                // A namespace this server does not know (§3): expands to nothing.
                value = "";
            }

            if (value is null)
            {
                // Not a reference: the "${" stays, and the search goes on after it.
                result.Append(text, at, start + 2 - at);
                at = start + 2;
            }
            else
            {
                result.Append(text, at, start - at).Append(value);
                at = end + 1;
            }

            start = text.IndexOf("${", at, StringComparison.Ordinal);
        }

        return result.Append(text, at, text.Length - at).ToString();
    }

    private static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '*' or '?' or '\\')
            {
                quoted.Append('\\');
            }

            quoted.Append(c);
        }

        return quoted.ToString();
    }
}

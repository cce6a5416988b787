using System.Globalization;
using Microsoft.Extensions.Options;

namespace OrleansMail.Hosting.Validation;

/// <summary>Collects what is wrong with one configuration section, each message naming the setting as an operator writes it.</summary>
internal sealed class SettingChecks(string section)
{
    private readonly List<string> _failures = [];

    public void AtLeast(string name, long value, long minimum)
    {
        if (value < minimum)
        {
            Fail(name, string.Create(CultureInfo.InvariantCulture, $"must be at least {minimum} (is {value})"));
        }
    }

    public void Between(string name, double value, double minimum, double maximum)
    {
        if (value < minimum || value > maximum || double.IsNaN(value))
        {
            Fail(name, string.Create(CultureInfo.InvariantCulture, $"must be between {minimum} and {maximum} (is {value})"));
        }
    }

    public void Positive(string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            Fail(name, $"must be a positive duration such as 00:00:30 (is {value})");
        }
    }

    public void NotNegative(string name, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            Fail(name, $"must not be negative (is {value})");
        }
    }

    public void Port(string name, int value)
    {
        if (value is < 1 or > 65535)
        {
            Fail(name, string.Create(CultureInfo.InvariantCulture, $"must be a TCP port, 1 to 65535 (is {value})"));
        }
    }

    /// <summary>A listener address; empty is allowed only where the listener is optional.</summary>
    public void Endpoint(string name, string value, bool optional)
    {
        if (string.IsNullOrEmpty(value) ? !optional : !Endpoints.IsValid(value))
        {
            Fail(name, $"must be an address and port (127.0.0.1:2424, [::1]:24, 0.0.0.0:1993) or a Unix socket path (is '{value}')");
        }
    }

    public void OneOf(string name, string value, IEnumerable<string> allowed)
    {
        var names = allowed.ToList();
        if (!names.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            Fail(name, $"is '{value}', which this host does not know; it knows {string.Join(", ", names)}");
        }
    }

    public void Require(bool condition, string name, string why)
    {
        if (!condition)
        {
            Fail(name, why);
        }
    }

    public ValidateOptionsResult Result() => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);

    private void Fail(string name, string message) => _failures.Add($"{section}:{name} {message}");
}

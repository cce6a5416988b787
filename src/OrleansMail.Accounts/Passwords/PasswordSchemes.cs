using System.Security.Cryptography;
using System.Text;
using Geralt;

namespace OrleansMail.Accounts.Passwords;

/// <summary>
/// Dovecot's password schemes as they appear in a passwd-file ("{SCHEME}data"): PLAIN/CLEAR, SHA512-CRYPT,
/// BLF-CRYPT, ARGON2ID, and CRYPT (scheme chosen by the hash's "$id$" prefix), so existing files and hashes work.
/// </summary>
public static class PasswordSchemes
{
    public static bool Verify(string password, string stored)
    {
        var (scheme, data) = Split(stored);
        return scheme switch
        {
            "PLAIN" or "CLEAR" or "CLEARTEXT" => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(data)),
            "SHA512-CRYPT" => Sha512Crypt.Verify(password, data),
            "BLF-CRYPT" => VerifyBcrypt(password, data),
            "ARGON2ID" => VerifyArgon2id(password, data),
            "CRYPT" => data switch
            {
                _ when data.StartsWith("$6$", StringComparison.Ordinal) => Sha512Crypt.Verify(password, data),
                _ when data.StartsWith("$2", StringComparison.Ordinal) => VerifyBcrypt(password, data),
                _ when data.StartsWith("$argon2id$", StringComparison.Ordinal) => VerifyArgon2id(password, data),
                _ => false,
            },
            _ => false,
        };
    }

    /// <summary>
    /// Why checking against <paramref name="stored"/> would cost more than <paramref name="limits"/> allow, or null
    /// when it is within them. Unknown or malformed hashes are within them: they fail without computing anything.
    /// </summary>
    public static string? ExcessiveCost(string stored, PasswordCheckLimits limits)
    {
        var (scheme, data) = Split(stored);
        switch (CostFamily(scheme, data))
        {
            case "SHA512-CRYPT":
                {
                    var rounds = Sha512Crypt.Rounds(data);
                    return rounds > limits.MaxSha512Rounds ? $"SHA512-CRYPT rounds={rounds} exceeds MaxSha512Rounds={limits.MaxSha512Rounds}" : null;
                }

            case "BLF-CRYPT":
                {
                    var parts = data.Split('$');
                    return parts.Length > 2 && int.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cost) && cost > limits.MaxBcryptCost
                        ? $"BLF-CRYPT cost {cost} exceeds MaxBcryptCost={limits.MaxBcryptCost}"
                        : null;
                }

            case "ARGON2ID":
                {
                    var (m, t, p) = Argon2Parameters(data);
                    return m > limits.MaxArgon2MemoryKiB ? $"ARGON2ID m={m} exceeds MaxArgon2MemoryKiB={limits.MaxArgon2MemoryKiB}"
                        : t > limits.MaxArgon2Iterations ? $"ARGON2ID t={t} exceeds MaxArgon2Iterations={limits.MaxArgon2Iterations}"
                        : p > limits.MaxArgon2Parallelism ? $"ARGON2ID p={p} exceeds MaxArgon2Parallelism={limits.MaxArgon2Parallelism}"
                        : null;
                }

            default:
                return null;
        }
    }

    /// <summary>
    /// The scheme and its cost parameters without salt or hash ("ARGON2ID m=65536,t=3,p=1"): two hashes with one
    /// signature take the same time to check.
    /// </summary>
    public static string CostSignature(string stored)
    {
        var (scheme, data) = Split(stored);
        return CostFamily(scheme, data) switch
        {
            "SHA512-CRYPT" => "SHA512-CRYPT " + Sha512Crypt.Rounds(data).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "BLF-CRYPT" => "BLF-CRYPT " + (data.Split('$') is { Length: > 2 } parts ? parts[2] : ""),
            "ARGON2ID" => "ARGON2ID " + Argon2Parameters(data),
            var family => family,
        };
    }

    private static string CostFamily(string scheme, string data) => scheme switch
    {
        "CRYPT" when data.StartsWith("$6$", StringComparison.Ordinal) => "SHA512-CRYPT",
        "CRYPT" when data.StartsWith("$2", StringComparison.Ordinal) => "BLF-CRYPT",
        "CRYPT" when data.StartsWith("$argon2id$", StringComparison.Ordinal) => "ARGON2ID",
        _ => scheme,
    };

    private static (int M, int T, int P) Argon2Parameters(string data)
    {
        var parts = data.Split('$');
        int m = 0, t = 0, p = 0;
        if (parts.Length < 4)
        {
            return (m, t, p);
        }

        foreach (var kv in parts[3].Split(','))
        {
            var pair = kv.Split('=');
            if (pair.Length != 2 || !int.TryParse(pair[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
            {
                return (0, 0, 0);
            }

            switch (pair[0])
            {
                case "m":
                    m = v;
                    break;
                case "t":
                    t = v;
                    break;
                case "p":
                    p = v;
                    break;
            }
        }

        return (m, t, p);
    }

    /// <summary>True for {PLAIN}-style entries, which store the password itself.</summary>
    public static bool IsPlaintext(string stored) => Split(stored).Scheme is "PLAIN" or "CLEAR" or "CLEARTEXT";

    /// <summary>The scheme name (upper case; CRYPT when none is given, Dovecot's default) and the data after it.</summary>
    public static (string Scheme, string Data) Split(string stored)
    {
        if (stored.StartsWith('{'))
        {
            var end = stored.IndexOf('}', StringComparison.Ordinal);
            if (end > 0)
            {
                return (stored[1..end].ToUpperInvariant(), stored[(end + 1)..]);
            }
        }

        return ("CRYPT", stored);
    }

    /// <summary>A new, strong hash for a passwd-file: {ARGON2ID} by default, {SHA512-CRYPT} or {BLF-CRYPT} on request.</summary>
    public static string Create(string password, string scheme = "ARGON2ID") => scheme.ToUpperInvariant() switch
    {
        "ARGON2ID" => "{ARGON2ID}" + CreateArgon2id(password),
        "SHA512-CRYPT" => "{SHA512-CRYPT}" + Sha512Crypt.Create(password),
        "BLF-CRYPT" => "{BLF-CRYPT}" + BCrypt.Net.BCrypt.HashPassword(password, 10).Replace("$2a$", "$2y$", StringComparison.Ordinal),
        _ => throw new ArgumentException($"unsupported scheme {scheme}", nameof(scheme)),
    };

    private static bool VerifyBcrypt(string password, string data)
    {
        try
        {
            return BCrypt.Net.BCrypt.Verify(password, data);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }

    /// <summary>
    /// "$argon2id$v=19$m=65536,t=3,p=1$salt$hash", the PHC string libsodium and Dovecot write, checked by libsodium
    /// itself (as Dovecot does): its m KiB block is native memory, freed the moment the check ends, so a burst of
    /// checks leaves no garbage behind for the collector.
    /// </summary>
    private static bool VerifyArgon2id(string password, string data)
    {
        var (m, t, p) = Argon2Parameters(data);
        if (password.Length == 0 || m <= 0 || t <= 0 || p <= 0 || m > 4 * 1024 * 1024 || !data.StartsWith("$argon2id$v=19$", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            return Argon2id.VerifyHash(data, Encoding.UTF8.GetBytes(password));
        }
        catch (Exception e) when (e is ArgumentException or FormatException or CryptographicException)
        {
            return false;
        }
    }

    private static string CreateArgon2id(string password)
    {
        const int Iterations = 3, MemoryKiB = 65536;
        Span<char> encoded = stackalloc char[Argon2id.HashSize];
        Argon2id.ComputeHash(encoded, Encoding.UTF8.GetBytes(password), Iterations, MemoryKiB * 1024);
        return encoded.TrimEnd('\0').ToString();
    }
}

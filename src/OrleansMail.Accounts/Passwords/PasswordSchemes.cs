using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

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

    /// <summary>"$argon2id$v=19$m=65536,t=3,p=1$salt$hash", the PHC string libsodium and Dovecot write (base64 without padding).</summary>
    private static bool VerifyArgon2id(string password, string data)
    {
        var parts = data.Split('$');
        if (password.Length == 0 || parts.Length != 6 || parts[1] != "argon2id" || parts[2] != "v=19")
        {
            return false;
        }

        int m = 0, t = 0, p = 0;
        foreach (var kv in parts[3].Split(','))
        {
            var pair = kv.Split('=');
            if (pair.Length != 2 || !int.TryParse(pair[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
            {
                return false;
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

        if (m <= 0 || t <= 0 || p <= 0 || m > 4 * 1024 * 1024)
        {
            return false;
        }

        var salt = FromBase64(parts[4]);
        var expected = FromBase64(parts[5]);
        if (salt is null || expected is null || expected.Length == 0)
        {
            return false;
        }

        using var argon = new Argon2id(Encoding.UTF8.GetBytes(password)) { Salt = salt, Iterations = t, MemorySize = m, DegreeOfParallelism = p };
        return CryptographicOperations.FixedTimeEquals(argon.GetBytes(expected.Length), expected);
    }

    private static string CreateArgon2id(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        const int m = 65536, t = 3, p = 1;
        using var argon = new Argon2id(Encoding.UTF8.GetBytes(password)) { Salt = salt, Iterations = t, MemorySize = m, DegreeOfParallelism = p };
        var hash = argon.GetBytes(32);
        return $"$argon2id$v=19$m={m},t={t},p={p}${ToBase64(salt)}${ToBase64(hash)}";
    }

    private static string ToBase64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[]? FromBase64(string text)
    {
        var padded = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OrleansMail.Accounts.Passwords;

/// <summary>
/// SHA-512 crypt ("$6$", Ulrich Drepper's specification, glibc's crypt(3)): Dovecot's SHA512-CRYPT scheme.
/// No library on NuGet as served here implements it, and the algorithm is short and has published test vectors.
/// </summary>
public static class Sha512Crypt
{
    private const string Itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int DefaultRounds = 5000;

    private static readonly int[][] Triplets =
    [
        [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
        [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
        [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
    ];

    /// <summary>The rounds a "$6$[rounds=N$]salt$hash" string asks for (clamped as crypt(3) does); the default when none.</summary>
    public static int Rounds(string setting)
    {
        const string prefix = "$6$rounds=";
        if (!setting.StartsWith(prefix, StringComparison.Ordinal))
        {
            return DefaultRounds;
        }

        var end = setting.IndexOf('$', prefix.Length);
        return end > prefix.Length && long.TryParse(setting.AsSpan(prefix.Length, end - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var r)
            ? (int)Math.Clamp(r, 1000, 999_999_999)
            : DefaultRounds;
    }

    /// <summary>Hashes <paramref name="password"/> with the salt (and rounds) of <paramref name="setting"/> ("$6$[rounds=N$]salt[$...]").</summary>
    public static string Hash(string password, string setting)
    {
        if (!setting.StartsWith("$6$", StringComparison.Ordinal))
        {
            throw new FormatException("not a SHA512-CRYPT setting");
        }

        var rest = setting[3..];
        var rounds = DefaultRounds;
        var customRounds = false;
        if (rest.StartsWith("rounds=", StringComparison.Ordinal))
        {
            var end = rest.IndexOf('$', StringComparison.Ordinal);
            if (end < 0 || !long.TryParse(rest[7..end], NumberStyles.None, CultureInfo.InvariantCulture, out var r))
            {
                throw new FormatException("bad rounds");
            }

            rounds = (int)Math.Clamp(r, 1000, 999_999_999);
            customRounds = true;
            rest = rest[(end + 1)..];
        }

        var dollar = rest.IndexOf('$', StringComparison.Ordinal);
        var saltText = dollar < 0 ? rest : rest[..dollar];
        if (saltText.Length > 16)
        {
            saltText = saltText[..16];
        }

        var key = Encoding.UTF8.GetBytes(password);
        var salt = Encoding.UTF8.GetBytes(saltText);
        var digest = Compute(key, salt, rounds);
        var sb = new StringBuilder("$6$");
        if (customRounds)
        {
            sb.Append("rounds=").Append(rounds.ToString(CultureInfo.InvariantCulture)).Append('$');
        }

        sb.Append(saltText).Append('$');
        foreach (var t in Triplets)
        {
            Encode(sb, digest[t[0]], digest[t[1]], digest[t[2]], 4);
        }

        Encode(sb, 0, 0, digest[63], 2);
        return sb.ToString();
    }

    public static bool Verify(string password, string hash)
    {
        string computed;
        try
        {
            computed = Hash(password, hash);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(hash));
    }

    /// <summary>A new hash with a random 16-character salt and the default rounds.</summary>
    public static string Create(string password)
    {
        var salt = new char[16];
        for (var i = 0; i < salt.Length; i++)
        {
            salt[i] = Itoa64[RandomNumberGenerator.GetInt32(Itoa64.Length)];
        }

        return Hash(password, "$6$" + new string(salt));
    }

    private static byte[] Compute(byte[] key, byte[] salt, int rounds)
    {
        var b = SHA512.HashData([.. key, .. salt, .. key]);

        using var a = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        a.AppendData(key);
        a.AppendData(salt);
        int count;
        for (count = key.Length; count > 64; count -= 64)
        {
            a.AppendData(b);
        }

        a.AppendData(b, 0, count);
        for (count = key.Length; count > 0; count >>= 1)
        {
            if ((count & 1) != 0)
            {
                a.AppendData(b);
            }
            else
            {
                a.AppendData(key);
            }
        }

        var current = a.GetHashAndReset();

        using var dp = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        for (var i = 0; i < key.Length; i++)
        {
            dp.AppendData(key);
        }

        var p = Repeat(dp.GetHashAndReset(), key.Length);

        using var ds = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        for (var i = 0; i < 16 + current[0]; i++)
        {
            ds.AppendData(salt);
        }

        var s = Repeat(ds.GetHashAndReset(), salt.Length);

        using var c = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        for (var i = 0; i < rounds; i++)
        {
            c.AppendData((i & 1) != 0 ? p : current);
            if (i % 3 != 0)
            {
                c.AppendData(s);
            }

            if (i % 7 != 0)
            {
                c.AppendData(p);
            }

            c.AppendData((i & 1) != 0 ? current : p);
            current = c.GetHashAndReset();
        }

        return current;
    }

    private static byte[] Repeat(byte[] digest, int length)
    {
        var result = new byte[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = digest[i % digest.Length];
        }

        return result;
    }

    private static void Encode(StringBuilder sb, byte b2, byte b1, byte b0, int n)
    {
        var w = (b2 << 16) | (b1 << 8) | b0;
        for (var i = 0; i < n; i++)
        {
            sb.Append(Itoa64[w & 0x3F]);
            w >>= 6;
        }
    }
}

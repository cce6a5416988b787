using System.Text;

namespace OrleansMail.Identity;

/// <summary>
/// Turns a canonical user id into the "{u}" used in object names and file paths: lower-case hex of its UTF-8
/// bytes for anything outside [a-z0-9._-], so no user name can reach a path unencoded ("/", "..", case).
/// </summary>
public static class UserKey
{
    public static string Encode(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        // "x-" is the encoded form's prefix, so a plain id may not start with it.
        var plain = userId.Length <= 64
            && !userId.StartsWith("x-", StringComparison.Ordinal)
            && userId.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');
        return plain ? userId : "x-" + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(userId));
    }

    /// <summary>The user id an encoded "{u}" stands for; null when it is not one <see cref="Encode"/> makes.</summary>
    public static string? TryDecode(string encoded)
    {
        if (!encoded.StartsWith("x-", StringComparison.Ordinal))
        {
            return encoded.Length > 0 && Encode(encoded) == encoded ? encoded : null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromHexString(encoded.AsSpan(2)));
            return decoded.Length > 0 && Encode(decoded) == encoded ? decoded : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

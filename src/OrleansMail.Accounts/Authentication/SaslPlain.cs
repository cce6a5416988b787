using System.Text;

namespace OrleansMail.Accounts.Authentication;

/// <summary>The SASL PLAIN message (RFC 4616): authorization identity, authentication identity and password, NUL-separated.</summary>
public readonly record struct SaslPlain(string AuthorizationId, string Login, string Password)
{
    /// <summary>Reads a base64 PLAIN message; false when it is not base64, not UTF-8 or not three fields.</summary>
    public static bool TryDecode(string base64, out SaslPlain message)
    {
        message = default;
        var bytes = new byte[(base64.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(base64, bytes, out var length))
        {
            return false;
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var fields = text.Split('\0');
        if (fields.Length != 3)
        {
            return false;
        }

        message = new SaslPlain(fields[0], fields[1], fields[2]);
        return true;
    }

    /// <summary>Whether the client asks to act as someone other than who it logs in as, which no listener allows.</summary>
    public bool ActsAsAnother => AuthorizationId.Length > 0 && !string.Equals(AuthorizationId, Login, StringComparison.OrdinalIgnoreCase);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}

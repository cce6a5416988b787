using System.Text;

namespace OrleansMail.ManageSieve;

/// <summary>One argument of a command (RFC 5804 §4): a string, quoted or literal, or a number.</summary>
internal readonly record struct ManageSieveArgument(byte[]? Bytes, long Number, bool IsString)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static ManageSieveArgument String(byte[] bytes) => new(bytes, 0, true);

    public static ManageSieveArgument Numeric(long value) => new(null, value, false);

    /// <summary>The string as UTF-8 text (RFC 5804 §1.6 and RFC 5228 §2.2 require it); false when it is a number or not UTF-8.</summary>
    public bool TryGetText(out string text)
    {
        text = "";
        if (!IsString)
        {
            return false;
        }

        try
        {
            text = StrictUtf8.GetString(Bytes!);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}

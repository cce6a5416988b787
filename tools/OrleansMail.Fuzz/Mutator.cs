using System.Text;

namespace OrleansMail.Fuzz;

/// <summary>AFL-style havoc: a stack of random byte edits, dictionary insertions, number swaps and splices.</summary>
public sealed class Mutator(Random random, IReadOnlyList<string> dictionary, int maxLength)
{
    private static readonly byte[] Interesting = [0, 1, 0x7f, 0x80, 0xff, (byte)'\r', (byte)'\n', (byte)' ', (byte)'{', (byte)'}', (byte)'(', (byte)')', (byte)'"', (byte)'\\', (byte)'+', (byte)'~', (byte)'.', (byte)':', (byte)'*', (byte)'0', (byte)'9'];
    private static readonly string[] Numbers = ["0", "1", "-1", "9", "255", "4096", "65536", "2147483647", "4294967295", "99999999999999999999"];

    private readonly byte[][] _tokens = [.. dictionary.Select(Encoding.UTF8.GetBytes)];

    public byte[] Mutate(byte[] parent, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(parent);
        var rounds = 1 << random.Next(0, 4);
        for (var i = 0; i < rounds; i++)
        {
            switch (random.Next(0, 10))
            {
                case 0 when data.Count > 0:
                    data[random.Next(data.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data[random.Next(data.Count)] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 2 when data.Count > 1:
                    {
                        var start = random.Next(data.Count);
                        data.RemoveRange(start, random.Next(1, Math.Min(32, data.Count - start) + 1));
                        break;
                    }

                case 3 when data.Count > 0:
                    {
                        var start = random.Next(data.Count);
                        var block = data.GetRange(start, random.Next(1, Math.Min(64, data.Count - start) + 1));
                        data.InsertRange(random.Next(data.Count + 1), block);
                        break;
                    }

                case 4 or 5:
                    data.InsertRange(random.Next(data.Count + 1), _tokens[random.Next(_tokens.Length)]);
                    break;
                case 6 when data.Count > 0:
                    {
                        var token = _tokens[random.Next(_tokens.Length)];
                        var start = random.Next(data.Count);
                        for (var j = 0; j < token.Length && start + j < data.Count; j++)
                        {
                            data[start + j] = token[j];
                        }

                        break;
                    }

                case 7:
                    ReplaceNumber(data);
                    break;
                case 8 when corpus.Count > 1:
                    {
                        var other = corpus[random.Next(corpus.Count)];
                        var cut = random.Next(data.Count + 1);
                        data.RemoveRange(cut, data.Count - cut);
                        data.AddRange(other.Skip(random.Next(other.Length + 1)));
                        break;
                    }

                default:
                    data.Insert(random.Next(data.Count + 1), (byte)random.Next(256));
                    break;
            }
        }

        if (data.Count > maxLength)
        {
            data.RemoveRange(maxLength, data.Count - maxLength);
        }

        return [.. data];
    }

    // Literal sizes, sequence numbers and BDAT sizes are where parsers go wrong: swap one for an edge value.
    private void ReplaceNumber(List<byte> data)
    {
        var digits = Enumerable.Range(0, data.Count).Where(i => data[i] is >= (byte)'0' and <= (byte)'9').ToList();
        var number = Encoding.ASCII.GetBytes(Numbers[random.Next(Numbers.Length)]);
        if (digits.Count == 0)
        {
            data.InsertRange(random.Next(data.Count + 1), number);
            return;
        }

        var start = digits[random.Next(digits.Count)];
        var end = start;
        while (end < data.Count && data[end] is >= (byte)'0' and <= (byte)'9')
        {
            end++;
        }

        data.RemoveRange(start, end - start);
        data.InsertRange(start, number);
    }
}

using OrleansMail.Index.Model;
using Xunit;

namespace OrleansMail.Index.Tests;

/// <summary>The compact body map answers as a dictionary does, through builds with repeats, additions, removals and the folds they set off.</summary>
public sealed class BodyMapTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 500)]
    [InlineData(3, 20_000)]
    public void Every_answer_is_a_dictionarys_through_random_sets_removes_and_folds(int seed, int loaded)
    {
        var random = new Random(seed);
        var truth = new Dictionary<Guid, int>();
        var known = new List<Guid>();
        var bodies = new Guid[loaded + (loaded / 10)];
        var values = new int[bodies.Length];
        var repeats = 0;
        for (var i = 0; i < bodies.Length; i++)
        {
            // A tenth of the records name a body another record names too (a COPY): the larger value wins.
            var repeat = i >= loaded && known.Count > 0;
            bodies[i] = repeat ? known[random.Next(known.Count)] : Guid.NewGuid();
            values[i] = random.Next(-1, 50);
            if (repeat)
            {
                repeats++;
            }
            else
            {
                known.Add(bodies[i]);
            }

            truth[bodies[i]] = Math.Max(values[i], truth.GetValueOrDefault(bodies[i], int.MinValue));
        }

        var reported = 0;
        var map = BodyMap.Build(bodies, values, bodies.Length, _ => reported++);
        Assert.Equal(repeats, reported);
        AssertSame(truth, map);

        // Enough additions and removals that both kinds of fold happen more than once.
        for (var step = 0; step < 12_000; step++)
        {
            var roll = random.Next(10);
            if (roll < 5 || known.Count == 0)
            {
                var body = Guid.NewGuid();
                var value = random.Next(-1, 50);
                map.Set(body, value);
                truth[body] = value;
                known.Add(body);
            }
            else if (roll < 8)
            {
                var body = known[random.Next(known.Count)];
                Assert.Equal(truth.Remove(body), map.Remove(body));
            }
            else
            {
                var body = known[random.Next(known.Count)];
                if (truth.ContainsKey(body))
                {
                    var value = random.Next(-1, 50);
                    map.Set(body, value);
                    truth[body] = value;
                }
            }

            var probe = random.Next(4) == 0 ? Guid.NewGuid() : known[random.Next(known.Count)];
            Assert.Equal(truth.TryGetValue(probe, out var expected), map.TryGetValue(probe, out var actual));
            Assert.Equal(expected, actual);
        }

        AssertSame(truth, map);
        var copy = map.Clone();
        map.Set(Guid.NewGuid(), 7);
        AssertSame(truth, copy);
    }

    private static void AssertSame(Dictionary<Guid, int> truth, BodyMap map)
    {
        Assert.Equal(truth.Count, map.Count);
        Assert.Equal(truth.Keys.Order(), map.Keys.Order());
        Assert.Equal(truth.Values.Order(), map.Values.Order());
        foreach (var (body, value) in truth)
        {
            Assert.True(map.TryGetValue(body, out var found));
            Assert.Equal(value, found);
        }
    }
}

using System.Text;
using Fwatchdog.Proxy.Forwarding;

namespace Fwatchdog.Tests.Proxy.Forwarding;

/// <summary>
/// The chunked decoder, fuzz-style: valid bodies give the same data however their bytes arrive;
/// every broken framing is refused as <see cref="UpstreamFault.InvalidChunk"/> however it arrives;
/// random mutations end in data, a wait for more, or that exception, and never point outside the input.
/// </summary>
public sealed class ChunkedDecoderTests
{
    private static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);

    /// <summary>What feeding a body gave: the data, whether the decoder is done, and how many bytes it left unused.</summary>
    private sealed record Result(byte[] Data, bool Done, int Unused);

    /// <summary>
    /// Feeds <paramref name="input"/> as the exchange does: the bytes arrive up to each of
    /// <paramref name="arrivals"/> (ascending, the last one the input's length); the decoder sees all
    /// of them it has not used yet, again and again until it asks for more.
    /// </summary>
    private static Result Feed(byte[] input, IEnumerable<int> arrivals)
    {
        var decoder = new ChunkedDecoder();
        var data = new List<byte>();
        var used = 0;
        foreach (var arrived in arrivals)
        {
            for (var calls = 0; ; calls++)
            {
                Assert.True(calls < input.Length + 10, "the decoder makes progress or asks for more");
                var available = input.AsSpan(used, arrived - used);
                var count = decoder.Decode(available, out var range);
                Assert.InRange(count, 0, available.Length);
                Assert.False(range.Start.IsFromEnd || range.End.IsFromEnd);
                Assert.InRange(range.Start.Value, 0, count);
                Assert.InRange(range.End.Value, range.Start.Value, count);
                data.AddRange(available[range]);
                used += count;
                if (decoder.Done)
                {
                    Assert.Equal(0, decoder.Decode(input.AsSpan(used, arrived - used), out var after));
                    Assert.Equal(0, after.End.Value - after.Start.Value);
                    return new Result([.. data], true, input.Length - used);
                }
                if (count == 0 && range.End.Value == range.Start.Value)
                    break;
            }
        }
        return new Result([.. data], false, input.Length - used);
    }

    private static Result FeedWhole(byte[] input) => Feed(input, [input.Length]);

    private static Result FeedByteByByte(byte[] input) => Feed(input, Enumerable.Range(1, input.Length));

    private static IEnumerable<Result> FeedSplitInTwoEverywhere(byte[] input)
    {
        for (var split = 0; split <= input.Length; split++)
            yield return Feed(input, [split, input.Length]);
    }

    public static TheoryData<string, string> ValidBodies => new()
    {
        { "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world" },
        { "0\r\n\r\n", "" },
        { "000\r\n\r\n", "" },
        { "5;name=value\r\nhello\r\n0;last\r\n\r\n", "hello" },
        { "5 ; a=\"b;c\" ; d\r\nhello\r\n0\r\n\r\n", "hello" },
        { "5\t;x\r\nhello\r\n0\r\n\r\n", "hello" },
        { "5\r\nhello\r\n0\r\nX-Trailer: 1\r\nX-Sum: abc\r\n\r\n", "hello" },
        { "A\r\n0123456789\r\n0\r\n\r\n", "0123456789" },
        { "a\r\n0123456789\r\n1F\r\n" + "0123456789abcdef0123456789abcde" + "\r\n0\r\n\r\n", "0123456789" + "0123456789abcdef0123456789abcde" },
        { "0005\r\nhello\r\n0\r\n\r\n", "hello" },
        { "5\nhello\n0\n\n", "hello" },
        { "5\r\nhello\n3\nabc\r\n0\nT: 1\r\n\n", "helloabc" },
        { "5\r\n\n\r\n\r\n\r\n0\r\n\r\n", "\n\r\n\r\n" }, // the data holds CR and LF bytes of its own
        { "3\r\n0\r\n\r\n0\r\n\r\n", "0\r\n" },
        { "1\r\n\0\r\n1\r\n\xff\r\n0\r\n\r\n", "\0\xff" },
    };

    [Theory]
    [MemberData(nameof(ValidBodies))]
    public void A_valid_body_gives_its_data_and_ends_whole_byte_by_byte_or_split_anywhere(string body, string expected)
    {
        // Bytes after the body (the next answer) must stay unused.
        var input = Bytes(body + "HTTP/1.1 200 OK\r\n");
        var results = new List<Result> { FeedWhole(input), FeedByteByByte(input) };
        results.AddRange(FeedSplitInTwoEverywhere(input));

        foreach (var result in results)
        {
            Assert.True(result.Done);
            Assert.Equal(expected, Encoding.Latin1.GetString(result.Data));
            Assert.Equal("HTTP/1.1 200 OK\r\n".Length, result.Unused);
        }
    }

    [Fact]
    public void A_chunk_of_the_largest_size_that_fits_in_63_bits_is_read_as_data()
    {
        var decoder = new ChunkedDecoder();
        var input = Bytes("7fffffffffffffff\r\nsome of it");

        var used = decoder.Decode(input, out var data);

        Assert.Equal(input.Length, used);
        Assert.Equal("some of it", Encoding.Latin1.GetString(input.AsSpan()[data]));
        Assert.False(decoder.Done);
    }

    [Fact]
    public void A_large_body_in_many_chunks_is_read_whole()
    {
        var expected = new byte[200_000];
        new Random(7).NextBytes(expected);
        var body = new MemoryStream();
        for (var at = 0; at < expected.Length;)
        {
            var size = Math.Min(expected.Length - at, 1 + (at % 9000));
            body.Write(Encoding.ASCII.GetBytes($"{size:x}\r\n"));
            body.Write(expected, at, size);
            body.Write("\r\n"u8);
            at += size;
        }
        body.Write("0\r\n\r\n"u8);
        var input = body.ToArray();

        var arrivals = new List<int>();
        for (var at = 1000; at < input.Length; at += 1000)
            arrivals.Add(at);
        arrivals.Add(input.Length);

        foreach (var result in new[] { FeedWhole(input), Feed(input, arrivals) })
        {
            Assert.True(result.Done);
            Assert.Equal(expected, result.Data);
            Assert.Equal(0, result.Unused);
        }
    }

    [Theory]
    [InlineData("5\r\nhel")]
    [InlineData("5\r\nhello")]
    [InlineData("5\r\nhello\r")]
    [InlineData("5\r\nhello\r\n")]
    [InlineData("5\r\nhello\r\n0\r\n")]
    [InlineData("5\r\nhello\r\n0\r\nX-T: 1\r\n")]
    [InlineData("5")]
    [InlineData("")]
    public void A_body_cut_short_waits_for_more_and_is_not_done(string body)
    {
        var input = Bytes(body);

        foreach (var result in new[] { FeedWhole(input), FeedByteByByte(input) })
            Assert.False(result.Done);
    }

    public static TheoryData<string> MalformedBodies => new()
    {
        "x\r\nhello\r\n0\r\n\r\n", // not hex
        "5x\r\nhello\r\n0\r\n\r\n",
        "g\r\n",
        "-1\r\n",
        "+5\r\nhello\r\n0\r\n\r\n",
        "0x5\r\nhello\r\n0\r\n\r\n",
        " 5\r\nhello\r\n0\r\n\r\n",
        "5 5\r\nhello\r\n0\r\n\r\n",
        "\r\nhello\r\n0\r\n\r\n", // empty size
        "\n",
        ";ext\r\nhello\r\n0\r\n\r\n",
        " ;ext\r\n",
        "00000000000000005\r\nhello\r\n0\r\n\r\n", // 17 hex digits
        "10000000000000000\r\n",
        "8000000000000000\r\nhello\r\n0\r\n\r\n", // beyond 63 bits
        "ffffffffffffffff\r\nhello\r\n0\r\n\r\n",
        "5\r\nhelloX\r\n0\r\n\r\n", // data longer than its size
        "5\r\nhello world\r\n0\r\n\r\n",
        "5\r\nhello0\r\n\r\n", // no CRLF after the data
        "5\r\nhello5\r\nworld\r\n0\r\n\r\n",
        "5\rhello\r\n0\r\n\r\n", // bare CR
        "5\r\r\nhello\r\n0\r\n\r\n",
        "5;a\rb\r\nhello\r\n0\r\n\r\n",
        "5\r\nhello\r\r\n0\r\n\r\n",
        "5\r\nhello\r0\r\n\r\n",
        "0\r\nX-T: a\rb\r\n\r\n",
        "0\r\n\r\r\n",
        "1;" + new string('e', 5000) + "\r\nx\r\n0\r\n\r\n", // a size line longer than 4 KiB
        "1" + new string(' ', 5000) + "\r\nx\r\n0\r\n\r\n",
        "0\r\nX-Big: " + new string('t', 5000) + "\r\n\r\n", // one trailer line longer than 4 KiB
        "0\r\n" + string.Concat(Enumerable.Repeat("X-Trailer: " + new string('t', 3000) + "\r\n", 24)) + "\r\n", // trailers longer than 64 KiB
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void A_malformed_body_fed_whole_is_refused_as_InvalidChunk(string body)
    {
        var exception = Assert.Throws<UpstreamProtocolException>(() => FeedWhole(Bytes(body)));

        Assert.Equal(UpstreamFault.InvalidChunk, exception.Fault);
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void A_malformed_body_fed_byte_by_byte_is_refused_as_InvalidChunk(string body)
    {
        var exception = Assert.Throws<UpstreamProtocolException>(() => FeedByteByByte(Bytes(body)));

        Assert.Equal(UpstreamFault.InvalidChunk, exception.Fault);
    }

    [Fact]
    public void A_size_line_or_trailers_within_the_limits_are_accepted()
    {
        var body = Bytes("1;" + new string('e', 4000) + "\r\nx\r\n0\r\n"
            + string.Concat(Enumerable.Repeat("X-Trailer: " + new string('t', 3000) + "\r\n", 20)) + "\r\n");

        foreach (var result in new[] { FeedWhole(body), FeedByteByByte(body) })
        {
            Assert.True(result.Done);
            Assert.Equal("x", Encoding.Latin1.GetString(result.Data));
        }
    }

    [Fact]
    public void A_size_line_longer_than_4_KiB_that_arrives_whole_is_refused_as_when_it_arrives_in_pieces()
    {
        // The limit must not depend on how the bytes were cut by the network: the same body is
        // refused when its size line comes in pieces, so it must be refused when it comes at once.
        var body = Bytes("1;" + new string('e', 8000) + "\r\nx\r\n0\r\n\r\n");

        Assert.Throws<UpstreamProtocolException>(() => Feed(body, [4000, body.Length]));
        var exception = Assert.Throws<UpstreamProtocolException>(() => FeedWhole(body));
        Assert.Equal(UpstreamFault.InvalidChunk, exception.Fault);
    }

    [Fact]
    public void Twenty_thousand_random_mutations_of_valid_bodies_throw_only_UpstreamProtocolException_and_stay_inside_the_input()
    {
        var random = new Random(18);
        var seeds = ValidBodies.Select(row => Bytes((string)row[0])).ToArray();
        var outcomes = new int[3];
        for (var i = 0; i < 20_000; i++)
        {
            var input = ResponseHeadParserTests.Mutate(random, seeds[i % seeds.Length]);
            var split = random.Next(input.Length + 1);
            try
            {
                // Feed asserts that every range and count lies within the bytes given.
                var result = i % 2 == 0 ? FeedWhole(input) : Feed(input, [split, input.Length]);
                outcomes[result.Done ? 0 : 1]++;
            }
            catch (UpstreamProtocolException exception)
            {
                Assert.Equal(UpstreamFault.InvalidChunk, exception.Fault);
                outcomes[2]++;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"mutation {i}: {e.GetType().Name} ({e.Message}) for {Convert.ToHexString(input)}");
            }
        }

        Assert.All(outcomes, count => Assert.True(count > 500, $"done / waiting / refused: {string.Join(" / ", outcomes)}"));
    }
}

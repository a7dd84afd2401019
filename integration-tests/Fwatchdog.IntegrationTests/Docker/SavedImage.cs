using System.Formats.Tar;
using System.Text.Json;
using Docker.DotNet;

namespace Fwatchdog.IntegrationTests.Docker;

/// <summary>An image as `docker save` exports it: its config and every layer's entries, in order.</summary>
public sealed record SavedImage(JsonDocument Config, IReadOnlyList<IReadOnlyList<SavedImage.Entry>> Layers)
{
    public sealed record Entry(string Name, TarEntryType Type, UnixFileMode Mode, byte[] Content);

    public static async Task<SavedImage> ReadAsync(DockerClient docker, string image)
    {
        var files = ReadArchive(await DownloadAsync(docker, image));
        using var manifest = JsonDocument.Parse(files["manifest.json"]);
        var only = manifest.RootElement.EnumerateArray().Single();
        var config = JsonDocument.Parse(files[only.GetProperty("Config").GetString()!]);
        var layers = only.GetProperty("Layers").EnumerateArray()
            .Select(layer => (IReadOnlyList<Entry>)ReadLayer(files[layer.GetString()!])).ToList();
        return new SavedImage(config, layers);
    }

    /// <summary>
    /// Buffered whole: the engine's chunked response stream throws at its end when read in the
    /// small pieces TarReader asks for. The watchdog's image is about 10 MiB.
    /// </summary>
    private static async Task<MemoryStream> DownloadAsync(DockerClient docker, string image)
    {
        var archive = new MemoryStream();
        await using (var response = await docker.Images.SaveImageAsync(image, CancellationToken.None))
            await response.CopyToAsync(archive);
        archive.Position = 0;
        return archive;
    }

    private static Dictionary<string, byte[]> ReadArchive(Stream archive)
    {
        var files = new Dictionary<string, byte[]>();
        using var reader = new TarReader(archive);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is not null) files[entry.Name] = ReadAll(entry.DataStream);
        }
        return files;
    }

    private static List<Entry> ReadLayer(byte[] layerTar)
    {
        var entries = new List<Entry>();
        using var reader = new TarReader(new MemoryStream(layerTar));
        while (reader.GetNextEntry() is { } entry)
            entries.Add(new Entry(entry.Name, entry.EntryType, entry.Mode, entry.DataStream is null ? [] : ReadAll(entry.DataStream)));
        return entries;
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

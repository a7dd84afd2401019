namespace Fwatchdog.IntegrationTests.FaasCli;

/// <summary>
/// faas-cli's CopyFiles (builder/copy.go; go-sdk builder/copy.go from 0.18): a folder is copied
/// entry by entry into the destination, which may already exist (files in it are overwritten,
/// others kept); a file by its content, with its mode. Symlinks are followed (os.Stat), so a linked
/// folder arrives as a folder and a linked file as a file.
/// </summary>
public static class FaasCliCopy
{
    public static void Files(string source, string destination)
    {
        if (Directory.Exists(source)) // follows a symlink, as os.Stat does
        {
            Directory.CreateDirectory(destination);
            foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
                Files(entry.FullName, Path.Combine(destination, entry.Name));
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.Copy(source, destination, overwrite: true);
        File.SetUnixFileMode(destination, File.GetUnixFileMode(source));
    }
}

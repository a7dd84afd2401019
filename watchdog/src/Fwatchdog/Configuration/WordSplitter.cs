using System.Text;

namespace Fwatchdog.Configuration;

/// <summary>
/// Splits <c>fprocess</c> into words the way a POSIX shell would — single quotes, double quotes
/// and backslash escapes — without ever running a shell, so <c>sh -c 'echo "$Http_Method"'</c>
/// works and nothing is expanded by us.
/// </summary>
public static class WordSplitter
{
    public static IReadOnlyList<string> Split(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            switch (c)
            {
                case ' ' or '\t' or '\n' or '\r':
                    if (inWord)
                    {
                        words.Add(current.ToString());
                        current.Clear();
                        inWord = false;
                    }
                    i++;
                    break;
                case '\'':
                    var closingSingle = text.IndexOf('\'', i + 1);
                    if (closingSingle < 0)
                        throw new FormatException($"fprocess has an unterminated single quote at position {i + 1}: {text}");
                    current.Append(text, i + 1, closingSingle - i - 1);
                    inWord = true;
                    i = closingSingle + 1;
                    break;
                case '"':
                    i = ReadDoubleQuoted(text, i, current);
                    inWord = true;
                    break;
                case '\\':
                    if (i + 1 < text.Length)
                    {
                        if (text[i + 1] != '\n')
                            current.Append(text[i + 1]);
                        i += 2;
                    }
                    else
                    {
                        current.Append('\\');
                        i++;
                    }
                    inWord = true;
                    break;
                default:
                    current.Append(c);
                    inWord = true;
                    i++;
                    break;
            }
        }
        if (inWord)
            words.Add(current.ToString());
        return words;
    }

    // Inside double quotes a backslash only escapes the characters a shell treats specially there.
    private static int ReadDoubleQuoted(string text, int openingQuote, StringBuilder current)
    {
        var i = openingQuote + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"')
                return i + 1;
            if (c == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`' or '\n')
            {
                if (text[i + 1] != '\n')
                    current.Append(text[i + 1]);
                i += 2;
                continue;
            }
            current.Append(c);
            i++;
        }
        throw new FormatException($"fprocess has an unterminated double quote at position {openingQuote + 1}: {text}");
    }
}

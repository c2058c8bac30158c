using System.Diagnostics;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Docs;

/// <summary>
/// Build and run by-products stay out of the repository: Python's bytecode caches (bench/bench.py
/// leaves one beside itself) and the benchmark suite's download cache, bench/.cache (issue 12).
/// Asked of git itself, so a wrong .gitignore line fails here rather than in a later diff.
/// </summary>
public sealed class RepositoryHygieneTests
{
    [Fact]
    public void No_tracked_file_is_under_a_pycache_folder()
    {
        var tracked = Git("ls-files", "-z").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(tracked);
        var bytecode = tracked.Where(path => path.Split('/').Contains("__pycache__") || path.EndsWith(".pyc", StringComparison.Ordinal)).ToList();
        Assert.True(bytecode.Count == 0, "tracked Python bytecode: " + string.Join(", ", bytecode));
    }

    [Theory]
    [InlineData("bench/.cache/root/usr/sbin/vsftpd")]
    [InlineData("bench/__pycache__/bench.cpython-311.pyc")]
    [InlineData("tests/Ferry.IntegrationTests/Scripts/__pycache__/client.cpython-311.pyc")]
    public void The_gitignore_covers_the_by_product(string path)
    {
        // check-ignore --no-index answers for a path whether or not it exists or is tracked.
        var matched = Git("check-ignore", "--no-index", "-v", path);
        Assert.False(string.IsNullOrWhiteSpace(matched), $"{path} is not ignored by any .gitignore line.");
    }

    private static string Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = RepositoryPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEndAsync();
        var errors = git.StandardError.ReadToEndAsync();
        Assert.True(git.WaitForExit(30_000), "git did not answer within 30 s");
        git.WaitForExit();
        // check-ignore exits 1 when nothing matches: the caller asserts on the (empty) output.
        Assert.True(git.ExitCode is 0 or 1, $"git {string.Join(' ', arguments)} exited {git.ExitCode}: {errors.Result}");
        return output.Result;
    }
}

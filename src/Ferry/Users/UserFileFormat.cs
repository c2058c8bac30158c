namespace Ferry.Users;

/// <summary>The account files `ferry user import` reads (docs/user-import.md).</summary>
internal enum UserFileFormat
{
    /// <summary>shadow(5): <c>name:hash:lastchg:min:max:warn:inactive:expire:reserved</c>.</summary>
    Shadow,

    /// <summary>Pure-FTPd's <c>pureftpd.passwd</c> (README.Virtual-Users): <c>account:password:uid:gid:gecos:home:...</c>.</summary>
    PureFtpd,

    /// <summary>Ferry's own: <c>name:hash:home[:permissions]</c>.</summary>
    Ferry,
}

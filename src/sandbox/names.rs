//! People's names from many cultures, so that orgsync meets accents, non-Latin scripts,
//! apostrophes, hyphens and spaces in names from the first sync on.
//!
//! An entry is `Display` or `Display=ascii`, optionally followed by `~Nick` (a common
//! preferred name). The ASCII form builds work emails; for cultures with a native
//! script it is also the Latin spelling used by people who go by it.

pub(crate) struct Culture {
    pub weight: u32,
    /// Share of this culture's people whose names are written in the native script
    /// (1.0 for cultures written in Latin letters).
    pub native_script: f64,
    /// Share who go by an English first name (common among East Asian Americans).
    pub english_preferred: f64,
    pub female: &'static [&'static str],
    pub male: &'static [&'static str],
    pub family: &'static [&'static str],
    /// Family names take a feminine form for women (Ivanov → Ivanova, Kowalski → Kowalska).
    pub gendered_family: bool,
    /// Share with a double-barrelled family name (Smith-Jones).
    pub hyphenated: f64,
    /// Share with a middle name.
    pub middle: f64,
    /// Weights over `catalog::EEO1_RACES`.
    pub races: [u32; 7],
    /// Countries where this culture is more common than elsewhere.
    pub home: &'static [&'static str],
}

/// One name as written and as spelled in ASCII for an email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name {
    pub display: String,
    pub ascii: String,
    pub nick: Option<&'static str>,
}

impl Name {
    pub(crate) fn parse(entry: &'static str) -> Self {
        let (main, nick) = match entry.split_once('~') {
            Some((main, nick)) => (main, Some(nick)),
            None => (entry, None),
        };
        let (display, ascii) = match main.split_once('=') {
            Some((display, ascii)) => (display, ascii.to_string()),
            None => (main, main.to_ascii_lowercase()),
        };
        Self {
            display: display.to_string(),
            ascii,
            nick,
        }
    }

    /// The Latin spelling of a name written in another script: "al-rashid" → "Al-Rashid".
    pub(crate) fn latin(&self) -> String {
        let mut out = String::with_capacity(self.ascii.len());
        let mut capital = true;
        for c in self.ascii.chars() {
            out.push(if capital { c.to_ascii_uppercase() } else { c });
            capital = matches!(c, ' ' | '-' | '\'');
        }
        out
    }

    /// The feminine form of a Slavic family name, or the name itself.
    pub(crate) fn feminine(mut self) -> Self {
        if self.ascii.ends_with("ski") || self.ascii.ends_with("cki") {
            self.ascii.pop();
            self.ascii.push('a');
            if self.display.ends_with('i') {
                self.display.pop();
                self.display.push('a');
            }
        } else if ["ov", "ev", "in"]
            .iter()
            .any(|end| self.ascii.ends_with(end))
        {
            self.ascii.push('a');
            let cyrillic = self
                .display
                .chars()
                .any(|c| ('\u{400}'..='\u{4FF}').contains(&c));
            self.display.push(if cyrillic { 'а' } else { 'a' });
        }
        self
    }
}

const WHITE: [u32; 7] = [1, 0, 0, 0, 0, 0, 0];
const ASIAN: [u32; 7] = [0, 0, 0, 1, 0, 0, 0];

#[rustfmt::skip]
pub(crate) const CULTURES: &[Culture] = &[
    // Anglo-American, with the race mix of the people who carry these names in the US.
    Culture {
        weight: 30, native_script: 1.0, english_preferred: 0.0, gendered_family: false,
        hyphenated: 0.03, middle: 0.2, races: [74, 16, 0, 0, 2, 0, 8], home: &["GB", "CA", "IE"],
        female: &["Mary", "Jennifer~Jen", "Elizabeth~Liz", "Katherine~Kate", "Sarah", "Emily",
            "Jessica~Jess", "Ashley", "Amanda", "Rachel", "Megan", "Lauren", "Hannah", "Olivia",
            "Emma", "Abigail~Abby", "Samantha~Sam", "Rebecca~Becca", "Victoria~Tori", "Grace",
            "Chloe", "Madison", "Natalie", "Allison~Allie", "Margaret~Peggy", "Susan~Sue",
            "Patricia~Trish", "Deborah~Debbie", "Kimberly~Kim", "Heather", "Imani", "Keisha"],
        male: &["James~Jim", "Robert~Bob", "Michael~Mike", "William~Will", "David~Dave",
            "Richard~Rick", "Joseph~Joe", "Thomas~Tom", "Christopher~Chris", "Daniel~Dan",
            "Matthew~Matt", "Anthony~Tony", "Andrew~Andy", "Joshua~Josh", "Benjamin~Ben",
            "Samuel~Sam", "Nicholas~Nick", "Jonathan~Jon", "Tyler", "Brandon", "Kevin", "Ryan",
            "Justin", "Zachary~Zach", "Nathan~Nate", "Edward~Ted", "Gregory~Greg",
            "Timothy~Tim", "Steven~Steve", "Charles~Charlie", "Darnell", "Jamal"],
        family: &["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
            "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "White", "Harris", "Martin",
            "Thompson", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
            "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell",
            "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards", "Collins",
            "Stewart", "Morris", "Cook", "Rogers", "Morgan", "Cooper", "Peterson", "Bailey",
            "Reed", "Howard", "Ward", "Richardson", "Watson", "Brooks", "Bennett", "Gray",
            "Hughes", "Price", "Sanders", "Foster", "Washington", "Jefferson"],
    },
    Culture {
        weight: 14, native_script: 1.0, english_preferred: 0.0, gendered_family: false,
        hyphenated: 0.06, middle: 0.15, races: [0, 0, 92, 0, 0, 0, 8], home: &["ES", "MX"],
        female: &["María=maria", "Guadalupe~Lupe", "Sofía=sofia", "Valentina", "Camila",
            "Isabella", "Lucía=lucia", "Ana", "Carmen", "Rosa", "Alejandra~Ale", "Daniela",
            "Gabriela~Gaby", "Ximena", "Paula", "Mariana", "Verónica=veronica", "Adriana",
            "Natalia", "Fernanda"],
        male: &["José=jose~Pepe", "Juan", "Luis", "Carlos", "Jorge", "Miguel", "Alejandro~Alex",
            "Francisco~Paco", "Javier", "Diego", "Andrés=andres", "Santiago", "Mateo",
            "Sebastián=sebastian", "Ricardo", "Fernando", "Raúl=raul", "Jesús=jesus~Chuy",
            "Héctor=hector", "Óscar=oscar"],
        family: &["García=garcia", "Rodríguez=rodriguez", "Martínez=martinez",
            "Hernández=hernandez", "López=lopez", "González=gonzalez", "Pérez=perez",
            "Sánchez=sanchez", "Ramírez=ramirez", "Torres", "Flores", "Rivera", "Gómez=gomez",
            "Díaz=diaz", "Cruz", "Morales", "Reyes", "Gutiérrez=gutierrez", "Ortiz",
            "Núñez=nunez", "Jiménez=jimenez", "Ruiz", "Álvarez=alvarez", "Castillo", "Romero",
            "Vargas", "Mendoza", "Peña=pena", "Ibáñez=ibanez", "Muñoz=munoz", "de la Cruz=delacruz"],
    },
    Culture {
        weight: 6, native_script: 0.35, english_preferred: 0.3, gendered_family: false,
        hyphenated: 0.0, middle: 0.0, races: ASIAN, home: &["CA"],
        female: &["秀英=xiuying", "静=jing", "丽=li", "敏=min", "婷=ting", "雪=xue", "慧=hui",
            "琳=lin", "晓燕=xiaoyan", "佳怡=jiayi", "欣怡=xinyi"],
        male: &["伟=wei", "强=qiang", "磊=lei", "军=jun", "洋=yang", "勇=yong", "杰=jie", "涛=tao",
            "浩然=haoran", "子轩=zixuan", "明=ming"],
        family: &["王=wang", "李=li", "张=zhang", "刘=liu", "陈=chen", "杨=yang", "黄=huang",
            "赵=zhao", "吴=wu", "周=zhou", "徐=xu", "孙=sun", "马=ma", "朱=zhu", "胡=hu", "郭=guo",
            "林=lin", "何=he"],
    },
    Culture {
        weight: 8, native_script: 1.0, english_preferred: 0.0, gendered_family: false,
        hyphenated: 0.0, middle: 0.05, races: ASIAN, home: &["GB", "CA"],
        female: &["Priya", "Ananya", "Aishwarya~Aish", "Divya", "Kavya", "Lakshmi", "Meera",
            "Neha", "Pooja", "Shreya", "Sunita", "Deepika", "Anjali", "Riya", "Swati"],
        male: &["Aarav", "Arjun", "Rahul", "Rohan", "Vikram~Vik", "Sanjay", "Amit",
            "Rajesh~Raj", "Suresh", "Karthik", "Aditya", "Vivek", "Nikhil~Nik", "Pranav",
            "Siddharth~Sid"],
        family: &["Patel", "Sharma", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Desai",
            "Mehta", "Joshi", "Rao", "Chopra", "Banerjee", "Krishnan", "Menon", "Bhattacharya",
            "Venkataraman"],
    },
    Culture {
        weight: 3, native_script: 0.4, english_preferred: 0.1, gendered_family: false,
        hyphenated: 0.0, middle: 0.0, races: ASIAN, home: &[],
        female: &["さくら=sakura", "陽子=yoko", "美咲=misaki", "結衣=yui", "愛=ai", "直美=naomi",
            "恵=megumi", "花子=hanako"],
        male: &["翔太=shota", "大輔=daisuke", "健太=kenta", "拓海=takumi", "翔=sho", "浩=hiroshi",
            "誠=makoto", "蓮=ren"],
        family: &["佐藤=sato", "鈴木=suzuki", "高橋=takahashi", "田中=tanaka", "渡辺=watanabe",
            "伊藤=ito", "山本=yamamoto", "中村=nakamura", "小林=kobayashi", "加藤=kato"],
    },
    Culture {
        weight: 3, native_script: 0.35, english_preferred: 0.25, gendered_family: false,
        hyphenated: 0.0, middle: 0.0, races: ASIAN, home: &[],
        female: &["서연=seoyeon", "지민=jimin", "민지=minji", "수빈=subin", "하은=haeun", "지우=jiwoo"],
        male: &["민준=minjun", "서준=seojun", "도윤=doyun", "준호=junho", "현우=hyunwoo", "지훈=jihoon"],
        family: &["김=kim", "이=lee", "박=park", "최=choi", "정=jung", "강=kang", "조=cho",
            "윤=yoon", "장=jang", "임=lim"],
    },
    Culture {
        weight: 3, native_script: 1.0, english_preferred: 0.1, gendered_family: false,
        hyphenated: 0.0, middle: 0.3, races: ASIAN, home: &[],
        female: &["Linh", "Thảo=thao", "Hương=huong", "Mai", "Ngọc=ngoc", "Trang",
            "Phương=phuong", "Anh"],
        male: &["Minh", "Huy", "Đức=duc", "Tuấn=tuan", "Khoa", "Long", "Nam", "Quang"],
        family: &["Nguyễn=nguyen", "Trần=tran", "Lê=le", "Phạm=pham", "Hoàng=hoang",
            "Huỳnh=huynh", "Võ=vo", "Đặng=dang", "Bùi=bui", "Đỗ=do"],
    },
    Culture {
        weight: 4, native_script: 0.3, english_preferred: 0.0, gendered_family: false,
        hyphenated: 0.0, middle: 0.0, races: [85, 5, 0, 0, 0, 0, 10], home: &[],
        female: &["فاطمة=fatima", "عائشة=aisha", "مريم=mariam", "نور=nour", "ليلى=layla",
            "سارة=sara", "زينب=zainab", "هدى=huda", "ياسمين=yasmin"],
        male: &["محمد=mohammed", "أحمد=ahmed", "علي=ali", "عمر=omar", "يوسف=youssef",
            "خالد=khaled", "حسن=hassan", "إبراهيم=ibrahim", "كريم=karim", "طارق=tariq"],
        family: &["العلي=al-ali", "حداد=haddad", "منصور=mansour", "خوري=khoury",
            "الحسيني=al-husseini", "عبدالله=abdullah", "سعيد=saeed", "نصار=nassar",
            "الراشد=al-rashid", "حمدان=hamdan"],
    },
    Culture {
        weight: 3, native_script: 0.4, english_preferred: 0.0, gendered_family: true,
        hyphenated: 0.0, middle: 0.0, races: WHITE, home: &["DE"],
        female: &["Анна=anna", "Мария=maria", "Елена=elena", "Ольга=olga", "Наталья=natalya",
            "Татьяна=tatiana", "Ирина=irina", "Светлана=svetlana", "Юлия=yulia", "Дарья=darya"],
        male: &["Дмитрий=dmitry", "Алексей=alexey", "Сергей=sergey", "Андрей=andrey", "Иван=ivan",
            "Михаил=mikhail", "Николай=nikolay", "Владимир=vladimir", "Павел=pavel",
            "Артём=artyom"],
        family: &["Иванов=ivanov", "Смирнов=smirnov", "Кузнецов=kuznetsov", "Попов=popov",
            "Соколов=sokolov", "Лебедев=lebedev", "Козлов=kozlov", "Новиков=novikov",
            "Морозов=morozov", "Волков=volkov", "Павлов=pavlov", "Семёнов=semyonov"],
    },
    Culture {
        weight: 5, native_script: 1.0, english_preferred: 0.0, gendered_family: false,
        hyphenated: 0.02, middle: 0.15, races: WHITE, home: &["IE", "GB"],
        female: &["Siobhán=siobhan", "Aoife", "Niamh", "Saoirse", "Ciara", "Róisín=roisin",
            "Sinéad=sinead", "Maeve", "Orla", "Caoimhe"],
        male: &["Seán=sean", "Liam", "Cian", "Conor", "Darragh", "Eoin", "Oisín=oisin",
            "Pádraig=padraig~Paddy", "Ciarán=ciaran", "Declan"],
        family: &["O'Brien=obrien", "O'Connor=oconnor", "O'Sullivan=osullivan", "Murphy",
            "Kelly", "Byrne", "Ryan", "O'Neill=oneill", "Walsh", "McCarthy",
            "Ó Súilleabháin=osuilleabhain", "Mac Giolla=macgiolla", "Fitzgerald", "Doyle",
            "Gallagher"],
    },
    Culture {
        weight: 4, native_script: 1.0, english_preferred: 0.0, gendered_family: false,
        hyphenated: 0.03, middle: 0.1, races: WHITE, home: &["DE"],
        female: &["Anna", "Lena", "Lea", "Hannah", "Marie", "Katharina~Kathi", "Sophie",
            "Johanna", "Charlotte", "Greta"],
        male: &["Jürgen=juergen", "Lukas", "Maximilian~Max", "Felix", "Jonas", "Paul", "Leon",
            "Tobias", "Stefan", "Günther=guenther"],
        family: &["Müller=mueller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer",
            "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer=schaefer", "Koch", "Bauer",
            "Richter", "Klein", "Wolf", "Schröder=schroeder", "Neumann", "Zimmermann",
            "Krüger=krueger", "von Bülow=vonbuelow"],
    },
    Culture {
        weight: 3, native_script: 1.0, english_preferred: 0.0, gendered_family: false,
        hyphenated: 0.03, middle: 0.1, races: WHITE, home: &["CA"],
        female: &["Zoé=zoe", "Chloé=chloe", "Camille", "Léa=lea", "Manon", "Inès=ines",
            "Amélie=amelie", "Émilie=emilie", "Margaux", "Céline=celine"],
        male: &["François=francois", "Étienne=etienne", "Louis", "Hugo", "Lucas", "Théo=theo",
            "Jérôme=jerome", "Antoine", "Benoît=benoit", "Gaël=gael"],
        family: &["Dubois", "Durand", "Lefèvre=lefevre", "Moreau", "Laurent", "Girard",
            "Rousseau", "Fontaine", "Chevalier", "Bonnet", "Lambert", "Faure", "Mercier",
            "Blanc", "Garnier", "de la Tour=delatour"],
    },
    Culture {
        weight: 4, native_script: 1.0, english_preferred: 0.0, gendered_family: false,
        hyphenated: 0.0, middle: 0.2, races: [0, 95, 0, 0, 0, 0, 5], home: &["GB"],
        female: &["Chinonso", "Ngozi", "Adaeze", "Funmilayo~Funmi", "Oluwaseun~Seun", "Chiamaka",
            "Ifeoma", "Yetunde", "Amaka", "Temitope~Tope"],
        male: &["Chukwuemeka~Emeka", "Babajide~Jide", "Chidi", "Olumide", "Tunde", "Obinna",
            "Femi", "Kelechi", "Ikenna", "Adewale~Wale"],
        family: &["Okafor", "Adeyemi", "Okonkwo", "Eze", "Nwosu", "Adebayo", "Okoye", "Balogun",
            "Ogunleye", "Obi", "Olawale", "Chukwu", "Nwachukwu"],
    },
    Culture {
        weight: 2, native_script: 1.0, english_preferred: 0.0, gendered_family: true,
        hyphenated: 0.02, middle: 0.0, races: WHITE, home: &["DE", "GB", "IE"],
        female: &["Małgorzata=malgorzata~Gosia", "Agnieszka", "Katarzyna~Kasia", "Zofia",
            "Joanna", "Magdalena", "Aleksandra~Ola", "Ewa"],
        male: &["Łukasz=lukasz", "Krzysztof", "Piotr", "Paweł=pawel", "Tomasz", "Michał=michal",
            "Wojciech~Wojtek", "Jakub~Kuba"],
        family: &["Kowalski", "Wiśniewski=wisniewski", "Wójcik=wojcik", "Kamiński=kaminski",
            "Lewandowski", "Zieliński=zielinski", "Szymański=szymanski", "Woźniak=wozniak",
            "Dąbrowski=dabrowski", "Kozłowski=kozlowski", "Mazur", "Krawczyk"],
    },
    Culture {
        weight: 2, native_script: 1.0, english_preferred: 0.0, gendered_family: false,
        hyphenated: 0.0, middle: 0.0, races: WHITE, home: &["DE"],
        female: &["Ayşe=ayse", "Elif", "Zeynep", "Fatma", "Emine", "Merve", "Büşra=busra",
            "Özge=ozge"],
        male: &["Mehmet", "Mustafa", "Ahmet", "Emre", "Burak", "Yusuf", "Oğuz=oguz",
            "Çağlar=caglar"],
        family: &["Yılmaz=yilmaz", "Kaya", "Demir", "Şahin=sahin", "Çelik=celik",
            "Yıldız=yildiz", "Aydın=aydin", "Öztürk=ozturk", "Arslan", "Doğan=dogan"],
    },
    Culture {
        weight: 2, native_script: 0.3, english_preferred: 0.0, gendered_family: false,
        hyphenated: 0.0, middle: 0.0, races: WHITE, home: &[],
        female: &["Μαρία=maria", "Ελένη=eleni", "Γεωργία=georgia", "Σοφία=sofia",
            "Δήμητρα=dimitra", "Κατερίνα=katerina"],
        male: &["Γιώργος=giorgos", "Νίκος=nikos", "Κώστας=kostas", "Δημήτρης=dimitris",
            "Γιάννης=giannis", "Αλέξανδρος=alexandros"],
        family: &["Γεωργίου=georgiou", "Οικονόμου=oikonomou", "Νικολάου=nikolaou",
            "Βασιλείου=vasileiou", "Αντωνίου=antoniou", "Ιωάννου=ioannou",
            "Χριστοδούλου=christodoulou", "Δημητρίου=dimitriou"],
    },
    Culture {
        weight: 2, native_script: 1.0, english_preferred: 0.0, gendered_family: false,
        hyphenated: 0.02, middle: 0.1, races: WHITE, home: &["DE"],
        female: &["Åsa=asa", "Ingrid", "Sigrid", "Freja", "Astrid", "Linnéa=linnea", "Maja",
            "Solveig"],
        male: &["Søren=soren", "Björn=bjorn", "Lars", "Anders", "Erik", "Mikkel",
            "Øystein=oystein", "Henrik"],
        family: &["Johansson", "Andersson", "Nielsen", "Hansen", "Larsen", "Lindqvist",
            "Bergström=bergstrom", "Sørensen=sorensen", "Østergaard=ostergaard",
            "Håkansson=hakansson"],
    },
    Culture {
        weight: 3, native_script: 1.0, english_preferred: 0.0, gendered_family: false,
        hyphenated: 0.0, middle: 0.3, races: [40, 0, 50, 0, 0, 0, 10], home: &["BR"],
        female: &["Ana", "Beatriz~Bia", "Mariana", "Júlia=julia", "Larissa", "Letícia=leticia",
            "Conceição=conceicao", "Fernanda"],
        male: &["João=joao", "Pedro", "Lucas", "Gabriel", "Rafael~Rafa", "Thiago",
            "Gonçalo=goncalo", "Vinícius=vinicius"],
        family: &["Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues",
            "Almeida", "Nascimento", "Lima", "Araújo=araujo", "Gonçalves=goncalves",
            "Magalhães=magalhaes"],
    },
    Culture {
        weight: 2, native_script: 1.0, english_preferred: 0.0, gendered_family: false,
        hyphenated: 0.0, middle: 0.05, races: WHITE, home: &[],
        female: &["Giulia", "Francesca", "Chiara", "Alessandra", "Federica", "Martina"],
        male: &["Giuseppe~Beppe", "Marco", "Alessandro", "Matteo", "Lorenzo", "Niccolò=niccolo"],
        family: &["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo",
            "D'Angelo=dangelo", "De Luca=deluca", "Conti", "Ricci", "Lombardi"],
    },
    Culture {
        weight: 2, native_script: 1.0, english_preferred: 0.0, gendered_family: false,
        hyphenated: 0.0, middle: 0.1, races: ASIAN, home: &[],
        female: &["Mary Grace=marygrace~Grace", "Jasmine", "Kristine", "Angelica", "Rowena",
            "Maricel"],
        male: &["Mark Anthony=markanthony~Mark", "Jomar", "Rommel", "Rodel", "Arnel", "Jun"],
        family: &["Dela Cruz=delacruz", "Reyes", "Santos", "Bautista", "Villanueva", "Aquino",
            "Mercado", "Macapagal"],
    },
    Culture {
        weight: 1, native_script: 1.0, english_preferred: 0.0, gendered_family: false,
        hyphenated: 0.0, middle: 0.2, races: [0, 0, 0, 0, 0, 90, 10], home: &[],
        female: &["Leilani", "Malia", "Kalani", "Noelani", "Keala", "Sina"],
        male: &["Keanu", "Kai", "Makoa", "Koa", "Sione", "Tevita"],
        family: &["Kahale", "Kealoha", "Akana", "Fonoti", "Taufa", "Tuilagi", "Kaʻahanui=kaahanui"],
    },
    Culture {
        weight: 1, native_script: 0.25, english_preferred: 0.0, gendered_family: false,
        hyphenated: 0.0, middle: 0.0, races: WHITE, home: &[],
        female: &["נועה=noa", "תמר=tamar", "מיכל=michal", "יעל=yael"],
        male: &["יונתן=yonatan", "אורי=ori", "דניאל=daniel", "איתי=itai"],
        family: &["כהן=cohen", "לוי=levi", "מזרחי=mizrahi", "פרץ=peretz", "ביטון=biton",
            "אברהם=avraham"],
    },
];

/// The English-speaking culture, whose first names serve as adopted preferred names.
pub(crate) const ENGLISH: usize = 0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_has_an_ascii_spelling_fit_for_an_email() {
        for culture in CULTURES {
            for entry in culture
                .female
                .iter()
                .chain(culture.male)
                .chain(culture.family)
            {
                let name = Name::parse(entry);
                assert!(
                    !name.ascii.is_empty()
                        && name
                            .ascii
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || matches!(c, ' ' | '-' | '\'')),
                    "{entry}: {:?}",
                    name.ascii
                );
            }
        }
    }

    #[test]
    fn slavic_family_names_take_their_feminine_form() {
        assert_eq!(Name::parse("Иванов=ivanov").feminine().display, "Иванова");
        assert_eq!(
            Name::parse("Kamiński=kaminski").feminine().display,
            "Kamińska"
        );
        assert_eq!(
            Name::parse("Kamiński=kaminski").feminine().ascii,
            "kaminska"
        );
        assert_eq!(Name::parse("Mazur").feminine().display, "Mazur");
    }

    #[test]
    fn a_latin_spelling_capitalises_each_part() {
        assert_eq!(Name::parse("الراشد=al-rashid").latin(), "Al-Rashid");
        assert_eq!(Name::parse("伟=wei").latin(), "Wei");
    }
}
